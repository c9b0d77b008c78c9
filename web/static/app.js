// Landing page: log in, show who is logged in, log out. Strings live in
// the messages table, Japanese first.
const messages = {
  ja: {
    intro: "別の会社で働く子育て中の人どうしが、1対1のキャリア相談とテーマ別の座談会で出会う、安心できるクローズドなネットワークです。",
    login: "ログイン", email: "メールアドレス", password: "パスワード", welcome: "ようこそ",
    logout: "ログアウト", other: "English", invalid_credentials: "メールアドレスまたはパスワードが違います。",
    rate_limited: "試行回数が多すぎます。1分ほど待ってください。", generic: "うまくいきませんでした。もう一度お試しください。",
  },
  en: {
    intro: "A closed, safe network where working parents from different companies meet for 1:1 career consultations and themed roundtables.",
    login: "Log in", email: "Email", password: "Password", welcome: "Welcome",
    logout: "Log out", other: "日本語", invalid_credentials: "Email or password is wrong.",
    rate_limited: "Too many attempts. Please wait a minute.", generic: "Something went wrong. Please try again.",
  },
};
let lang = localStorage.getItem("lang") || (navigator.language.startsWith("ja") ? "ja" : "en");
let csrf = "";

function t(key) { return messages[lang][key] || messages.ja[key] || key; }

function render() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.getElementById("lang").textContent = t("other");
}

function showMember(session) {
  csrf = session.csrf_token;
  document.getElementById("login-section").hidden = true;
  document.getElementById("me-section").hidden = false;
  document.getElementById("me-name").textContent = `${session.member.display_name} (${session.member.role})`;
}

async function init() {
  render();
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "ja" ? "en" : "ja";
    localStorage.setItem("lang", lang);
    render();
  });
  const me = await fetch("/api/v1/me");
  if (me.ok) showMember(await me.json());
  document.getElementById("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const res = await fetch("/api/v1/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok) { showMember(body); return; }
    const code = body.error && body.error.code;
    document.getElementById("login-error").textContent = messages[lang][code] ? t(code) : t("generic");
  });
  document.getElementById("logout").addEventListener("click", async () => {
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "X-CSRF-Token": csrf } });
    location.reload();
  });
}

init();
