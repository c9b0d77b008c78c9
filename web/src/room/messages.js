// The room page's message table, Japanese first. Nothing the room shows
// is written anywhere else. The language follows an explicit choice (the
// same "lang" key the other pages use), then the account, then the browser.
import { fill } from "../../static/fill.js";

export const messages = {
  ja: {
    title: "ビデオルーム", title_consultation: "1対1の相談", title_roundtable: "座談会", title_dev: "開発用ルーム",
    other_lang: "English", lang_switch: "言語を切り替える", skip: "ルームへ移動",
    no_room: "ルームが指定されていません。相談や座談会のページから入室してください。",
    loading: "準備しています…", back: "戻る", back_home: "トップへ戻る", rejoin: "もう一度入室する",
    // pre-join
    prejoin_title: "入室前の確認", prejoin_lead: "カメラとマイクを確認してから入室しましょう。カメラなし・音声のみでも参加できます。",
    camera: "カメラ", microphone: "マイク", no_device_option: "使わない", preview: "あなたの映像のプレビュー",
    preview_off: "カメラはオフです", mic_level: "マイクの音量", mic_level_hint: "話すとバーが動きます。",
    join_camera_off: "カメラをオフにして入室", join_audio_only: "音声のみ（ほかの人の映像を受け取らず、通信量を節約）",
    join: "入室する", joining: "入室しています…", checking_devices: "カメラとマイクを確認しています…",
    perm_denied: "カメラやマイクの使用が許可されていません。ブラウザのアドレスバーの設定から許可して、ページを再読み込みしてください。許可しなくても、聞くだけで参加できます。",
    no_devices: "カメラとマイクが見つかりません。聞くだけで参加できます。",
    no_camera: "カメラが見つかりません。音声で参加できます。", no_mic: "マイクが見つかりません。映像だけで参加します。",
    device_busy: "カメラかマイクを別のアプリが使っています。そのアプリを閉じて、もう一度お試しください。",
    device_error: "カメラかマイクを使えませんでした。", retry_devices: "もう一度確認する",
    // token / entry errors
    too_early: "まだ入室できません。開始の少し前から入室できます。", ended: "予定の時間が終わったため、入室できません。",
    removed: "モデレーターの判断で退出となったため、このルームには入れません。", locked: "モデレーターがルームを締め切りました。",
    not_registered: "この座談会に申し込んでいないため入室できません。", not_found: "ルームが見つかりません。",
    wrong_state: "このルームには入室できません。", forbidden: "このルームに入室する権限がありません。",
    token_refused: "入室できませんでした。ページを再読み込みしてください。",
    network: "通信できませんでした。電波の良いところでもう一度お試しください。", generic: "うまくいきませんでした。もう一度お試しください。",
    dev_only: "開発用ルームは --dev で起動したときだけ使えます。",
    // lobby
    lobby_title: "待合室", lobby_lead: "モデレーターが入室を許可するまで、少しお待ちください。このままお待ちいただければ自動で入室します。",
    admitted: "モデレーターが入室を許可しました。ようこそ。",
    admitted_mic_off: "モデレーターが入室を許可しました。マイクはオフにしてあります。準備ができたらオンにしてください。",
    // room
    room_label: "参加者の映像", you: "あなた", you_suffix: "（あなた）", role_moderator: "モデレーター", role_speaker: "ゲストスピーカー",
    role_audience: "聞き手", mic_muted: "マイクオフ", camera_off: "カメラオフ", hand_raised: "挙手中", away_status: "少し席を外しています",
    video_paused_bandwidth: "回線が混んでいるため、映像を止めています（音声は聞こえます）",
    screen_of: "{name}さんの画面", speaking: "話しています", alone: "まだ誰もいません。お相手の入室をお待ちください。",
    alone_left_one: "{name}さんは退出しました。戻ってくるかもしれないので、このままお待ちいただくこともできます。",
    alone_left: "ほかの参加者はみなさん退出しました。",
    audience_count: "聞き手 {n}人", audience_count_you: "聞き手 {n}人（あなたを含む）", audience_hands: "・挙手 {n}人", audience_list: "一覧を見る",
    quality_excellent: "通信状態：良好", quality_good: "通信状態：普通", quality_poor: "通信状態：不安定", quality_lost: "通信状態：切断",
    quality_unknown: "通信状態：確認中",
    layout_grid: "グリッド表示", layout_speaker: "話している人を大きく表示", layout_spotlight: "モデレーターがスポットライト表示にしているため、表示は切り替えられません。",
    spotlight_on: "{name}さんがスポットライトに表示されています。",
    // controls
    controls: "操作", mic_on: "マイク", mic_off: "マイク", mic_turn_off: "マイクをオフにする", mic_turn_on: "マイクをオンにする",
    cam_turn_off: "カメラをオフにする", cam_turn_on: "カメラをオンにする", cam: "カメラ",
    share: "画面共有", share_start: "画面を共有する", share_stop: "画面共有をやめる", share_failed: "画面を共有できませんでした。",
    hand: "挙手", hand_raise: "手を挙げる", hand_lower: "手を下ろす", hand_raised_you: "手を挙げました。",
    hand_lowered_you: "手を下ろしました。",
    away: "離席", away_start: "少し席を外す", away_end: "戻る", away_you: "離席中です。カメラとマイクはオフになっています。戻るときは「戻る」を押してください。",
    chat: "チャット", chat_open: "チャットを開く", people: "参加者", people_open: "参加者を開く", layout: "表示",
    leave: "退出", leave_label: "ルームから退出する", more: "その他",
    audio_only: "音声のみ", audio_only_on: "音声のみにする", audio_only_off: "映像も受信する",
    audience_hint: "聞き手として参加しています。話したいときは「挙手」を押してください。",
    on_stage: "ステージに上がりました。準備ができたらマイクをオンにしてください。",
    off_stage: "聞き手に戻りました。また話したいときは「挙手」を押してください。", not_allowed_publish: "今はマイクやカメラを使えません。",
    reason_audience: "聞き手のあいだは、マイクとカメラを使えません。話したいときは「挙手」を押してください。",
    reason_away: "離席中のため、マイクとカメラは使えません。「戻る」を押すと使えるようになります。",
    hand_lowered_by_moderator: "モデレーターがあなたの手を下ろしました。",
    mute_failed: "マイクやカメラを切り替えられませんでした。",
    media_blocked: "ブラウザでマイクやカメラの使用が許可されていません。アドレスバーの設定から許可してください。", enable_audio: "音声を再生する",
    enable_audio_hint: "ブラウザが音声の再生を止めています。ボタンを押すと聞こえるようになります。",
    // banners
    reconnecting: "再接続しています…そのままお待ちください。", reconnected: "再接続しました。",
    weak_network: "通信が不安定なため、映像を低画質にしています。",
    audio_fallback: "通信が不安定なため、音声のみに切り替えました。", try_video: "映像を再開する",
    video_resumed: "映像を再開しました。",
    ask_unmute_mic: "{from}さんが、マイクをオンにするようお願いしています。", ask_unmute_camera: "{from}さんが、カメラをオンにするようお願いしています。",
    ask_label: "モデレーターからのお願い", accept_unmute: "オンにする", decline_unmute: "今はしない", muted_by_moderator: "モデレーターがあなたのマイクをオフにしました。",
    camera_muted_by_moderator: "モデレーターがあなたのカメラをオフにしました。", notice: "お知らせ：{text}",
    // ended
    give_feedback: "相談の感想を送る", feedback_lead: "話してみていかがでしたか？感想は運営スタッフだけが読み、これからのおすすめに役立てます。",
    ended_title: "退出しました", title_over: "終了しました", title_disconnected: "接続が切れました", left_room: "ルームから退出しました。おつかれさまでした。",
    ended_for_all: "ルームは閉じられました。ご参加ありがとうございました。",
    removed_msg: "モデレーターの判断で、ルームから退出となりました。この回には戻れません。",
    duplicate: "別のタブや端末から同じアカウントで入室したため、こちらは退出しました。",
    connection_lost: "接続が切れました。通信状況を確認して、もう一度入室してください。",
    join_failed: "ルームに接続できませんでした。通信状況を確認して、もう一度お試しください。",
    // chat
    chat_title: "チャット", chat_message: "メッセージ", chat_send: "送信", chat_empty: "まだメッセージはありません。",
    chat_too_long: "メッセージは1000文字までです。", chat_failed: "メッセージを送れませんでした。", chat_from: "{name}さん",
    chat_new: "{name}さんからのメッセージ：{text}", close: "閉じる",
    // moderator
    mod_title: "参加者と進行", mod_hands: "挙手の順番", mod_no_hands: "挙手している人はいません。", mod_lobby: "待合室",
    mod_no_lobby: "待合室には誰もいません。", mod_people: "ルームの参加者", mod_room: "ルームの操作",
    mod_mute_mic: "マイクをオフ", mod_mute_cam: "カメラをオフ", mod_ask_unmute: "マイクをオンにするようお願いする",
    mod_spotlight: "スポットライト", mod_unspotlight: "スポットライトを外す", mod_promote: "ステージに上げる",
    mod_demote: "聞き手に戻す", mod_remove: "退出させる", mod_lower_hand: "手を下ろす", mod_admit: "入室を許可",
    mod_admit_all: "全員の入室を許可", mod_lower_all: "全員の手を下ろす", mod_mute_all: "全員のマイクをオフ",
    mod_lobby_on: "待合室をオンにする", mod_lobby_off: "待合室をオフにする", mod_lock: "ルームを締め切る", mod_unlock: "締め切りを解除",
    mod_end: "座談会を終了する", mod_confirm_remove: "{name}さんに退出してもらいますか？この回には戻れなくなります。",
    mod_confirm_end: "座談会を終了しますか？全員がルームから退出します。", confirm: "実行する", cancel: "やめる",
    mod_working: "実行しています…", mod_for: "{name}さんへの操作",
    mod_mute_all_hint: "モデレーターとゲストスピーカー以外の全員のマイクをオフにします",
    res_mute_mic: "{name}さんのマイクをオフにしました。", res_mute_cam: "{name}さんのカメラをオフにしました。",
    res_ask_unmute: "{name}さんに、マイクをオンにするようお願いしました。オンにするかどうかはご本人が決めます。",
    res_spotlight: "{name}さんをスポットライトで大きく表示しています。", res_spotlight_off: "スポットライトを外しました。",
    res_promote: "{name}さんをステージに上げました。マイクはご本人がオンにするまでオフのままです。",
    res_demote: "{name}さんを聞き手に戻しました。", res_remove: "{name}さんに退出してもらいました。",
    res_lower_hand: "{name}さんの手を下ろしました。", res_admit: "{name}さんの入室を許可しました。",
    res_admit_all: "{n}人の入室を許可しました。", res_admit_all_none: "待合室には誰もいませんでした。",
    res_lower_all_hands: "{n}人の手を下ろしました。", res_lower_all_hands_none: "手を挙げている人はいませんでした。",
    res_mute_all: "{n}人のマイクをオフにしました（モデレーターとゲストスピーカーはそのままです）。",
    res_mute_all_none: "マイクをオンにしている参加者はいませんでした（モデレーターとゲストスピーカーは対象外です）。",
    res_lobby_on: "待合室をオンにしました。これから入る人は、許可するまで待合室で待ちます。", res_lobby_off: "待合室をオフにしました。",
    res_lock_on: "ルームを締め切りました。これから新しく入ることはできません。", res_lock_off: "締め切りを解除しました。",
    res_end: "座談会を終了しました。",
    mod_locked_state: "締め切り中", mod_lobby_state: "待合室オン", mod_in_lobby: "待合室で待機中",
    err_not_in_room: "その方はもうルームにいません。", err_no_such_track: "その方はマイクもカメラも使っていません。",
    err_media_unavailable: "映像と音声のサーバーにつながりません。少し待ってから、もう一度お試しください。", err_stale: "ほかの操作と重なりました。もう一度お試しください。",
    err_cannot_publish: "その方はいま話せません（聞き手か、待合室にいます）。先にステージに上げてください。",
    err_already_on: "その方のマイクはもうオンになっています。",
  },
  en: {
    title: "Video room", title_consultation: "1:1 consultation", title_roundtable: "Roundtable", title_dev: "Dev room",
    other_lang: "日本語", lang_switch: "Switch language", skip: "Skip to the room",
    no_room: "No room was given. Join from your consultation or roundtable page.",
    loading: "Getting ready…", back: "Back", back_home: "Back to the start", rejoin: "Join again",
    prejoin_title: "Before you join", prejoin_lead: "Check your camera and microphone, then join. You can also join without camera or with audio only.",
    camera: "Camera", microphone: "Microphone", no_device_option: "Don't use", preview: "Preview of your video",
    preview_off: "Camera is off", mic_level: "Microphone level", mic_level_hint: "The bar moves when you speak.",
    join_camera_off: "Join with camera off", join_audio_only: "Audio only (no incoming video, saves data)",
    join: "Join", joining: "Joining…", checking_devices: "Checking your camera and microphone…",
    perm_denied: "Camera and microphone are not allowed. Allow them in your browser's address bar settings and reload. You can also join just to listen.",
    no_devices: "No camera or microphone found. You can join just to listen.",
    no_camera: "No camera found. You can join with audio.", no_mic: "No microphone found. You will join with video only.",
    device_busy: "Another app is using the camera or microphone. Close it and try again.",
    device_error: "The camera or microphone could not be used.", retry_devices: "Check again",
    too_early: "The room is not open yet. You can join shortly before the start.", ended: "Its time is over, so the room cannot be joined.",
    removed: "A moderator removed you, so you cannot join this room again.", locked: "The moderators have locked the room.",
    not_registered: "You are not registered for this roundtable.", not_found: "Room not found.",
    wrong_state: "This room cannot be joined.", forbidden: "You may not join this room.",
    token_refused: "The room refused your entry. Reload the page.",
    network: "Could not connect. Try again where the signal is better.", generic: "Something went wrong. Please try again.",
    dev_only: "The dev room works only when the server runs with --dev.",
    lobby_title: "Lobby", lobby_lead: "Please wait until a moderator lets you in. You will join automatically.",
    admitted: "A moderator let you in. Welcome!",
    admitted_mic_off: "A moderator let you in. Your microphone is off: turn it on when you're ready.",
    room_label: "Participants' video", you: "You", you_suffix: " (you)", role_moderator: "Moderator", role_speaker: "Guest speaker",
    role_audience: "Audience", mic_muted: "Mic off", camera_off: "Camera off", hand_raised: "Hand raised", away_status: "Stepped away for a moment",
    video_paused_bandwidth: "Video paused: your connection is too slow for it (audio goes on)",
    screen_of: "{name}'s screen", speaking: "Speaking", alone: "Nobody else is here yet. Please wait for the others.",
    alone_left_one: "{name} has left. They may come back, so you're welcome to wait here.",
    alone_left: "Everyone else has left.",
    audience_count: "Audience: {n}", audience_count_you: "Audience: {n} (including you)", audience_hands: " · hands raised: {n}", audience_list: "See who's here",
    quality_excellent: "Connection: excellent", quality_good: "Connection: good", quality_poor: "Connection: poor", quality_lost: "Connection: lost",
    quality_unknown: "Connection: checking",
    layout_grid: "Grid view", layout_speaker: "Speaker view", layout_spotlight: "A moderator has put someone in the spotlight, so the view cannot be changed.",
    spotlight_on: "{name} is in the spotlight.",
    controls: "Controls", mic_on: "Mic", mic_off: "Mic", mic_turn_off: "Turn microphone off", mic_turn_on: "Turn microphone on",
    cam_turn_off: "Turn camera off", cam_turn_on: "Turn camera on", cam: "Camera",
    share: "Share", share_start: "Share your screen", share_stop: "Stop sharing", share_failed: "Your screen could not be shared.",
    hand: "Hand", hand_raise: "Raise hand", hand_lower: "Lower hand", hand_raised_you: "You raised your hand.",
    hand_lowered_you: "You lowered your hand.",
    away: "Away", away_start: "Step away", away_end: "I'm back", away_you: "You stepped away: camera and microphone are off. Press \"I'm back\" to return.",
    chat: "Chat", chat_open: "Open chat", people: "People", people_open: "Open the participant list", layout: "View",
    leave: "Leave", leave_label: "Leave the room", more: "More",
    audio_only: "Audio", audio_only_on: "Switch to audio only", audio_only_off: "Receive video again",
    audience_hint: "You are in the audience. To speak, press “Hand” to raise your hand.",
    on_stage: "You are on stage. Turn your microphone on when you're ready.",
    off_stage: "You are back in the audience. Press “Hand” if you'd like to speak again.", not_allowed_publish: "You cannot use the microphone or camera now.",
    reason_audience: "You are in the audience, so the microphone and camera are off. Press “Hand” to ask to speak.",
    reason_away: "You stepped away, so the microphone and camera are off. Press “I'm back” to use them.",
    hand_lowered_by_moderator: "A moderator lowered your hand.",
    mute_failed: "The microphone or camera could not be switched.",
    media_blocked: "Your browser is not allowing the microphone or camera. Allow them in the address bar's settings.", enable_audio: "Play audio",
    enable_audio_hint: "Your browser has paused the sound. Press the button to hear the others.",
    reconnecting: "Reconnecting… please wait.", reconnected: "Reconnected.",
    weak_network: "The connection is weak: video is shown at low quality.",
    audio_fallback: "The connection is weak: switched to audio only.", try_video: "Resume video",
    video_resumed: "Video resumed.",
    ask_unmute_mic: "{from} asks you to turn on your microphone.", ask_unmute_camera: "{from} asks you to turn on your camera.",
    ask_label: "A request from a moderator", accept_unmute: "Turn on", decline_unmute: "Not now", muted_by_moderator: "A moderator turned your microphone off.",
    camera_muted_by_moderator: "A moderator turned your camera off.", notice: "Notice: {text}",
    give_feedback: "Send feedback on this talk", feedback_lead: "How did it go? Only the operators read your feedback; it helps future recommendations.",
    ended_title: "You have left", title_over: "It has ended", title_disconnected: "Disconnected", left_room: "You left the room. Thank you!",
    ended_for_all: "The room has closed. Thank you for taking part.",
    removed_msg: "A moderator removed you from the room. You cannot come back this time.",
    duplicate: "You joined from another tab or device with the same account, so this one left.",
    connection_lost: "The connection was lost. Check your network and join again.",
    join_failed: "Could not connect to the room. Check your network and try again.",
    chat_title: "Chat", chat_message: "Message", chat_send: "Send", chat_empty: "No messages yet.",
    chat_too_long: "Messages can be up to 1000 characters.", chat_failed: "The message could not be sent.", chat_from: "{name}",
    chat_new: "Message from {name}: {text}", close: "Close",
    mod_title: "People and moderation", mod_hands: "Raised hands, in order", mod_no_hands: "No hands raised.", mod_lobby: "Lobby",
    mod_no_lobby: "Nobody is waiting.", mod_people: "In the room", mod_room: "Room",
    mod_mute_mic: "Mute mic", mod_mute_cam: "Turn camera off", mod_ask_unmute: "Ask to unmute",
    mod_spotlight: "Spotlight", mod_unspotlight: "Clear spotlight", mod_promote: "Bring on stage",
    mod_demote: "Move to audience", mod_remove: "Remove", mod_lower_hand: "Lower hand", mod_admit: "Admit",
    mod_admit_all: "Admit everyone", mod_lower_all: "Lower all hands", mod_mute_all: "Mute everyone",
    mod_lobby_on: "Turn lobby on", mod_lobby_off: "Turn lobby off", mod_lock: "Lock the room", mod_unlock: "Unlock the room",
    mod_end: "End the roundtable", mod_confirm_remove: "Remove {name}? They will not be able to come back this time.",
    mod_confirm_end: "End the roundtable? Everyone leaves the room.", confirm: "Do it", cancel: "Cancel",
    mod_working: "Working…", mod_for: "Actions for {name}",
    mod_mute_all_hint: "Mutes everyone except moderators and guest speakers",
    res_mute_mic: "You muted {name}'s microphone.", res_mute_cam: "You turned {name}'s camera off.",
    res_ask_unmute: "You asked {name} to turn on their microphone. It's up to them.",
    res_spotlight: "{name} is in the spotlight.", res_spotlight_off: "The spotlight is off.",
    res_promote: "{name} is on stage. Their microphone stays off until they turn it on.",
    res_demote: "{name} is back in the audience.", res_remove: "{name} was removed.",
    res_lower_hand: "You lowered {name}'s hand.", res_admit: "You let {name} in.",
    res_admit_all: "Let in from the lobby: {n}.", res_admit_all_none: "Nobody was waiting in the lobby.",
    res_lower_all_hands: "Hands lowered: {n}.", res_lower_all_hands_none: "No hands were raised.",
    res_mute_all: "Microphones muted: {n} (moderators and guest speakers stay on).",
    res_mute_all_none: "No participant had their microphone on (moderators and guest speakers are not muted).",
    res_lobby_on: "The lobby is on: people joining now wait until you let them in.", res_lobby_off: "The lobby is off.",
    res_lock_on: "The room is locked: nobody new can join.", res_lock_off: "The room is unlocked.",
    res_end: "The roundtable has ended.",
    mod_locked_state: "Locked", mod_lobby_state: "Lobby on", mod_in_lobby: "Waiting in the lobby",
    err_not_in_room: "That person is no longer in the room.", err_no_such_track: "That person is not using a microphone or camera.",
    err_media_unavailable: "The audio and video server cannot be reached. Wait a moment and try again.", err_stale: "Another change came first. Please try again.",
    err_cannot_publish: "They cannot speak right now (in the audience or the lobby). Bring them on stage first.",
    err_already_on: "Their microphone is already on.",
  },
};

function pick(accountLocale) {
  const chosen = globalThis.localStorage?.getItem("lang");
  if (chosen === "ja" || chosen === "en") return chosen;
  if (accountLocale === "ja" || accountLocale === "en") return accountLocale;
  return (globalThis.navigator?.language || "ja").startsWith("en") ? "en" : "ja";
}

export let lang = pick();

// useLocale applies the account's language unless the person chose one.
export function useLocale(accountLocale) { lang = pick(accountLocale); document.documentElement.lang = lang; }

export function setLang(l) { lang = l; localStorage.setItem("lang", l); document.documentElement.lang = l; }

export function t(key) { return messages[lang][key] ?? messages.ja[key] ?? key; }

// tf fills {name} placeholders (さん placed by fill).
export function tf(key, params = {}) { return fill(t(key), params); }

// errorMessage turns an API or connection error into the room's text.
export function errorMessage(err) {
  const code = err?.code || "";
  const known = { too_early: 1, ended: 1, removed: 1, locked: 1, not_registered: 1, not_found: 1, wrong_state: 1, forbidden: 1, network: 1, dev_only: 1 };
  if (known[code]) return t(code);
  if (code === "stale") return t("err_stale");
  if (t("err_" + code) !== "err_" + code) return t("err_" + code);
  if (err?.status === 404) return t("not_found");
  if (err?.status === 403) return t("forbidden");
  return t("generic");
}
