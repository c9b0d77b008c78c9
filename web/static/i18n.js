// Message tables, Japanese first, and the language switch shared by pages.
export const messages = {
  ja: {
    intro: "別の会社で働く子育て中の人どうしが、1対1のキャリア相談とテーマ別の座談会で出会う、安心できるクローズドなネットワークです。",
    login: "ログイン", email: "メールアドレス", password: "パスワード", welcome: "ようこそ",
    logout: "ログアウト", other: "English", invalid_credentials: "メールアドレスまたはパスワードが違います。",
    rate_limited: "試行回数が多すぎます。1分ほど待ってください。", generic: "うまくいきませんでした。もう一度お試しください。",
    forgot: "パスワードをお忘れの方", invite_title: "アカウントの作成", invite_for: "招待先",
    display_name: "表示名", new_password: "新しいパスワード（10文字以上）", create_account: "アカウントを作成",
    invitation_used: "この招待はすでに使われています。ログインしてください。", invitation_expired: "この招待は期限切れです。新しい招待を依頼してください。",
    invitation_not_found: "この招待リンクは無効です。", too_short: "パスワードは10文字以上にしてください。",
    reset_title: "パスワードの再設定", send_link: "再設定リンクを送る", link_sent: "登録があれば、再設定リンクをお送りしました。メールをご確認ください。",
    set_password: "パスワードを設定", password_set: "パスワードを変更しました。ログインしてください。",
    reset_link_invalid: "このリンクは無効か、使用済み・期限切れです。もう一度お申し込みください。", back_home: "トップへ",
  },
  en: {
    intro: "A closed, safe network where working parents from different companies meet for 1:1 career consultations and themed roundtables.",
    login: "Log in", email: "Email", password: "Password", welcome: "Welcome",
    logout: "Log out", other: "日本語", invalid_credentials: "Email or password is wrong.",
    rate_limited: "Too many attempts. Please wait a minute.", generic: "Something went wrong. Please try again.",
    forgot: "Forgot your password?", invite_title: "Create your account", invite_for: "Invitation for",
    display_name: "Display name", new_password: "New password (10 characters or more)", create_account: "Create account",
    invitation_used: "This invitation has been used already. Please log in.", invitation_expired: "This invitation has expired. Please ask for a new one.",
    invitation_not_found: "This invitation link is not valid.", too_short: "The password needs at least 10 characters.",
    reset_title: "Reset your password", send_link: "Send me a link", link_sent: "If the address has an account, a reset link is on its way. Check your email.",
    set_password: "Set password", password_set: "Your password has changed. Please log in.",
    reset_link_invalid: "This link is invalid, used or expired. Please ask again.", back_home: "Home",
  },
};

export let lang = localStorage.getItem("lang") || (navigator.language.startsWith("ja") ? "ja" : "en");

export function t(key) { return messages[lang][key] || messages.ja[key] || key; }

// errorText turns an API error body into a message for people.
export function errorText(body) {
  const code = body && body.error && body.error.code;
  return code && messages[lang][code] ? t(code) : t("generic");
}

export function render() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  const sw = document.getElementById("lang");
  if (sw) sw.textContent = t("other");
}

export function setupLanguageSwitch(onChange) {
  render();
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "ja" ? "en" : "ja";
    localStorage.setItem("lang", lang);
    render();
    if (onChange) onChange();
  });
}

export async function postJSON(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
}
