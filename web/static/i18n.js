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
    nav_home: "おすすめ", nav_consultations: "相談", nav_profile: "プロフィール", recommendations_title: "今週のおすすめ",
    no_recommendations: "まだおすすめがありません。プロフィールを入力すると、おすすめが届きます。",
    ask: "相談を申し込む", note: "ひとこと（任意）", mode_online: "オンライン", mode_in_person: "対面", place: "場所",
    slot: "候補日時", minutes: "時間（分）", send_request: "申し込む", request_sent: "申し込みました。お返事を待ちましょう。",
    block: "今後表示しない", blocked: "今後表示しません。", cancel: "キャンセル", decline: "お断りする", accept: "この日時で受ける",
    waiting_for_you: "あなたのお返事待ち", waiting_for_them: "お相手のお返事待ち", upcoming: "予定", past: "過去",
    join: "入室する", join_opens: "開始10分前から入室できます", calendar: "カレンダーに追加", reschedule: "日程を変える",
    feedback: "感想を送る", rating: "満足度（1〜5）", feedback_text: "感想（運営のみが読みます）", would_meet_again: "また話したい",
    report: "問題を報告（運営のみ）", send: "送る", thanks: "ありがとうございました。", no_consultations: "相談はまだありません。",
    confirm_cancel: "キャンセルしますか？お相手には丁寧にお知らせします。", status_requested: "申込中", status_booked: "確定",
    status_declined: "見送り", status_cancelled: "キャンセル", status_expired: "期限切れ", status_completed: "終了",
    reason_shared_themes: "共通の関心が{n}つ", reason_years_ahead_same_function: "同じ職種で{years}年先輩",
    reason_different_industry: "異なる業界", reason_similar_life_stage: "子どもの年齢が近い", reason_same_language: "同じ言語",
    outside_availability: "お相手の都合のよい時間帯ではありません。", too_soon: "1時間以上先の時間を選んでください。",
    slot_taken: "その時間はすでに予定があります。別の候補を選んでください。", not_recommended: "おすすめの方にだけ申し込めます。",
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
    nav_home: "Recommended", nav_consultations: "Consultations", nav_profile: "Profile", recommendations_title: "This week's peers",
    no_recommendations: "No recommendations yet. Fill in your profile and they will come.",
    ask: "Ask for a consultation", note: "A short note (optional)", mode_online: "Online", mode_in_person: "In person", place: "Place",
    slot: "Proposed time", minutes: "Length (minutes)", send_request: "Send request", request_sent: "Sent. Now wait for their answer.",
    block: "Don't show again", blocked: "You won't see this person again.", cancel: "Cancel", decline: "Decline", accept: "Accept this time",
    waiting_for_you: "Waiting for your answer", waiting_for_them: "Waiting for their answer", upcoming: "Upcoming", past: "Past",
    join: "Join the room", join_opens: "The room opens 10 minutes before", calendar: "Add to calendar", reschedule: "Change the time",
    feedback: "Give feedback", rating: "Rating (1–5)", feedback_text: "Feedback (read by operators only)", would_meet_again: "I'd meet again",
    report: "Report a problem (operators only)", send: "Send", thanks: "Thank you.", no_consultations: "No consultations yet.",
    confirm_cancel: "Cancel? We'll let them know kindly.", status_requested: "Requested", status_booked: "Booked",
    status_declined: "Declined", status_cancelled: "Cancelled", status_expired: "Expired", status_completed: "Done",
    reason_shared_themes: "{n} shared concerns", reason_years_ahead_same_function: "{years} years ahead in the same job",
    reason_different_industry: "A different industry", reason_similar_life_stage: "Children of similar ages", reason_same_language: "Same language",
    outside_availability: "That time is outside their availability.", too_soon: "Pick a time at least an hour from now.",
    slot_taken: "One of you is already booked then. Pick another time.", not_recommended: "You can ask your recommended peers.",
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

// tf fills {name} placeholders of a message.
export function tf(key, params = {}) {
  return t(key).replace(/\{(\w+)\}/g, (_, k) => params[k] ?? "");
}
