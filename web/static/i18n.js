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
    block: "今後表示しない", cancel: "キャンセル", decline: "お断りする", accept: "この日時で受ける",
    waiting_for_you: "あなたのお返事待ち", waiting_for_them: "お相手のお返事待ち", upcoming: "予定", past: "過去",
    join: "入室する", join_opens: "開始10分前から入室できます", calendar: "カレンダーに追加", reschedule: "日程を変える",
    feedback: "感想を送る", rating: "満足度（1〜5）", feedback_text: "感想（運営のみが読みます）", would_meet_again: "また話したい",
    report: "問題を報告（運営のみ）", send: "送る", thanks: "ありがとうございました。", no_consultations: "相談はまだありません。",
    status_requested: "申込中", status_booked: "確定",
    status_declined: "見送り", status_cancelled: "キャンセル", status_expired: "期限切れ", status_completed: "終了",
    reason_shared_themes: "共通の関心が{n}つ", reason_years_ahead_same_function: "同じ職種で{years}年先輩",
    reason_different_industry: "異なる業界", reason_similar_life_stage: "子どもの年齢が近い", reason_same_language: "同じ言語",
    outside_availability: "お相手の都合のよい時間帯ではありません。", too_soon: "1時間以上先の時間を選んでください。",
    slot_taken: "その時間はすでに予定があります。別の候補を選んでください。", not_recommended: "おすすめの方にだけ申し込めます。",
    // common
    product: "座談会 Zadankai", skip: "本文へ移動", nav_label: "メインメニュー", nav_admin: "会社の管理", nav_operator: "運営",
    close: "閉じる", back: "戻る", remove: "削除", optional: "（任意）", required_mark: "（必須）", show: "表示する", period: "期間",
    date: "日付", start_time: "開始時刻", choose_time: "時刻を選ぶ", from: "開始", until: "終了", not_set: "選択しない",
    going_home: "{name}さん、あなたのページへ移動しています…", load_failed: "読み込めませんでした。ページを再読み込みしてください。",
    network: "通信できませんでした。電波の良いところでもう一度お試しください。", load_latest: "最新の内容を読み込む",
    latest_loaded: "最新の内容を読み込みました。", month: "月", months_n: "直近{n}か月", days_n: "直近{n}日",
    // home
    recommendations_lead: "別の会社で働く、あなたと話が合いそうな方です。気になる方に相談を申し込んでみましょう。",
    recommendations_count: "今週のおすすめは{n}人です。", why_recommended: "おすすめの理由", themes: "関心のあるテーマ",
    reason_other: "あなたと話が合いそうな方です", reason_same_focus: "同じ軸（仕事/暮らし）に関心", reason_same_area: "同じ地域で対面も可",
    reason_similar_work_style: "働き方が近い", reason_new_member: "新しく参加した方", reason_role_model: "目標にしたい先輩", request_to: "{name}さんへの相談の申し込み",
    mode: "相談の方法", note_hint: "相談したいことを短く。お相手が受けるかどうかを決める手がかりになります（500文字まで）。",
    place_hint: "例：渋谷駅近くのカフェ（決まっていなければ「相談して決めたい」でも大丈夫です）",
    proposed_times: "候補日時（3つまで）", slot_n: "候補{n}", length: "相談の長さ", minutes_30: "30分", minutes_45: "45分", minutes_60: "60分",
    times_in_zone: "時刻はあなたの時間帯（{zone}）です。お相手の都合のよい時間帯に入っているか、送信時に確認します。",
    slot_incomplete: "日付と時刻の両方を選んでください。", slot_required: "候補を1つ以上選んでください。",
    see_consultations: "相談の一覧を見る", confirm_block: "この方を今後おすすめに表示しません。お相手に通知はされません。よろしいですか？",
    block_yes: "表示しない", blocked: "{name}さんは今後表示されません。",
    // consultations
    consultations_lead: "予定の変更やキャンセルはいつでも気軽にどうぞ。お互いさまです。",
    waiting_for_them_title: "お相手のお返事待ち", asked_you: "{name}さんから相談の申し込みが届きました。",
    new_times_for_you: "{name}さんから新しい候補日時が届きました。", answer_by: "お返事の期限：", pick_time: "都合のよい日時を選んでください",
    slot_past: "（過ぎています）", decline_gentle: "お断りしても大丈夫です。お相手には理由は伝わりません。",
    decline_reason: "理由（任意・あなたにだけ表示されます）", decline_reason_hint: "あとで振り返るためのメモです。お相手には伝わりません。",
    decline_send: "お断りを送る", proposed_list: "送った候補日時：", withdraw: "申し込みを取り下げる",
    confirm_withdraw: "申し込みを取り下げますか？お相手にはお知らせが届きます。",
    confirm_cancel: "キャンセルしますか？理由は必要ありません。お相手にはお知らせとカレンダーの取り消しが届きます。",
    cancel_yes: "キャンセルする", join_ended: "この相談の時間は終わりました。",
    reschedule_hint: "今の日時は取り消され、お相手が新しい候補から選びます。", reschedule_note: "ひとこと（任意）",
    reschedule_send: "新しい候補を送る", no_show: "お相手が来なかった", no_show_yes: "報告する",
    confirm_no_show: "お相手が来なかったことを運営に報告しますか？お相手を責めるためではなく、今後のおすすめの参考にします。",
    note_label: "ひとこと：", your_reason: "あなたのメモ：", feedback_sent: "感想は送信済みです。ありがとうございました。",
    outcome_declined: "今回は見送りになりました。ほかの方にも気軽に申し込んでみてください。", outcome_declined_by_you: "お断りしました。",
    outcome_cancelled: "キャンセルされました。", outcome_expired: "期限までにお返事がなかったため、終了しました。",
    outcome_completed: "相談は終了しました。",
    accepted_done: "{name}さんとの相談が確定しました。カレンダーに追加できます。", declined_done: "お返事を送りました。",
    rescheduled_done: "新しい候補を{name}さんに送りました。", cancelled_done: "キャンセルしました。お相手にお知らせしました。",
    no_show_done: "報告を受け付けました。", feedback_thanks: "感想を受け付けました。ありがとうございました。",
    feedback_already: "この相談の感想はすでに受け付けています。",
    // feedback
    feedback_title: "{name}さんとの相談はいかがでしたか？", rating_1: "1 いまひとつ", rating_2: "2", rating_3: "3 ふつう", rating_4: "4",
    rating_5: "5 とてもよかった", tags: "当てはまるもの（いくつでも）", tag_helpful: "役に立った", tag_encouraging: "励まされた",
    tag_practical_tips: "具体的なヒントがあった", tag_good_listener: "よく聞いてもらえた", tag_new_perspective: "新しい視点が得られた",
    tag_felt_safe: "安心して話せた", tag_too_short: "時間が短かった", tag_mismatch: "相談内容が合わなかった",
    operators_only: "運営スタッフだけが読みます。お相手や会社には表示されません。", send_feedback: "感想を送る",
    report_problem: "問題を報告する（任意）", report_text: "何があったか教えてください", block_after: "この方を今後おすすめに表示しない",
    rating_required: "満足度を選んでください。",
    // profile
    pause_title: "おすすめのお休み", paused_label: "しばらくおすすめをお休みする",
    paused_hint: "お休み中は、あなたがおすすめに表示されず、新しい申し込みも届きません。いつでも再開できます。",
    paused_on: "お休み中です。再開したいときはもう一度切り替えてください。", paused_off: "おすすめを再開しました。",
    photo_title: "写真", your_photo: "あなたの写真", choose_photo: "写真を選ぶ", photo_hint: "JPEGかPNG、5MBまで。中央が正方形に切り抜かれ、位置情報などは削除されます。",
    photo_preview: "選んだ写真のプレビュー", photo_preview_note: "この写真をアップロードしますか？", upload_photo: "アップロード",
    photo_saved: "写真を更新しました。",
    profile_title: "自己紹介と関心", intro_label: "自己紹介", intro_hint: "仕事や家族のこと、話したいことなど（600文字まで）。",
    industry: "業界", job_function: "職種", job_level: "役職", years_experience: "経験年数", hours: "働き方", remote: "勤務場所",
    children_count: "お子さんの人数", age_bands: "お子さんの年齢（当てはまるものすべて）", career_themes: "キャリアのテーマ",
    life_themes: "くらしのテーマ", themes_hint: "合わせて8つまで選べます。", languages: "話せる言語",
    in_person: "対面でも会える", area: "会える地域", area_hint: "例：東京都、大阪市",
    capacity: "1か月に受けられる相談の数", capacity_hint: "0にすると新しい申し込みを受けません。",
    save_profile: "プロフィールを保存", profile_saved: "プロフィールを保存しました。",
    level_1: "担当", level_2: "リーダー・主任", level_3: "課長クラス", level_4: "部長クラス", level_5: "役員",
    hours_full_time: "フルタイム", hours_part_time: "時短・パートタイム", remote_office: "出社中心", remote_hybrid: "出社と在宅", remote_remote: "在宅中心",
    "age_0-2": "0〜2歳", "age_3-5": "3〜5歳", "age_6-12": "6〜12歳", "age_13-18": "13〜18歳", "age_19+": "19歳以上",
    industry_manufacturing: "製造", industry_it: "IT・通信", industry_finance: "金融", industry_consulting: "コンサルティング",
    industry_retail: "小売・消費財", industry_healthcare: "医療・福祉", industry_education: "教育", industry_public: "公共",
    industry_media: "メディア", industry_construction: "建設・不動産", industry_logistics: "物流", industry_other: "その他の業界",
    function_engineering: "エンジニア・技術", function_sales: "営業", function_marketing: "マーケティング", function_hr: "人事",
    function_finance: "経理・財務", function_operations: "業務・オペレーション", function_research: "研究・開発",
    function_design: "デザイン", function_legal: "法務", function_management: "経営・マネジメント", function_other: "その他の職種",
    language_ja: "日本語", language_en: "英語", language_zh: "中国語", language_ko: "韓国語", language_es: "スペイン語",
    language_pt: "ポルトガル語", language_fr: "フランス語", language_de: "ドイツ語", language_vi: "ベトナム語", language_tl: "タガログ語",
    // availability
    profile_privacy: "プロフィールは、おすすめされた別の会社の方にだけ表示されます。お子さんの名前は入力しません。",
    availability_lead: "相談を申し込む人は、この時間帯の中から候補を選びます。", availability_title: "都合のよい時間", time_zone: "時間帯（タイムゾーン）", browser_zone: "この端末の時間帯：{zone}",
    weekly_windows: "毎週の都合のよい時間", weekly_hint: "お昼休みや、子どもが寝たあとの時間など。1つの時間帯は30分以上です。",
    add_window: "時間帯を追加", remove_window: "この時間帯を削除", exceptions: "特定の日の変更",
    exceptions_hint: "子どもの行事でお休みの日や、その日だけ空いている時間を登録できます。", exception_kind: "変更の内容",
    day_off: "終日お休み", extra_window: "この時間も空いている", add_exception: "日付を追加", remove_exception: "この日付を削除",
    save_availability: "都合のよい時間を保存", availability_saved: "都合のよい時間を保存しました。",
    weekday_0: "日曜日", weekday_1: "月曜日", weekday_2: "火曜日", weekday_3: "水曜日", weekday_4: "木曜日", weekday_5: "金曜日", weekday_6: "土曜日",
    // company admin and operators
    admin_title: "会社の管理", invite_members: "メンバーを招待する", invitations: "招待の一覧", stats_title: "月ごとの利用状況",
    admin_privacy: "この画面では集計した数値だけをお見せします。誰が誰と話したか、感想の内容は表示されません。",
    invite_hint: "招待メールが届き、リンクから登録できます（7日間有効）。", send_invitation: "招待メールを送る", invite_sent: "{email} に招待メールを送りました。",
    role: "役割", company: "会社", choose_company: "会社を選ぶ", no_invitations: "まだ招待はありません。", invited_on: "招待日",
    expires_on: "期限", inv_pending: "未登録", inv_accepted: "登録済み", inv_expired: "期限切れ",
    role_member: "メンバー", role_company_admin: "会社の担当者", role_operator: "運営スタッフ", role_guest_speaker: "ゲストスピーカー",
    stat_members_invited: "招待した人数", stat_members_active: "利用した人数", stat_consultations_requested: "申し込まれた相談",
    stat_consultations_held: "実施された相談", stat_consultations_cancelled: "キャンセルされた相談", stat_average_rating: "平均満足度（5点満点）",
    suppressed_sr: "非表示（5人未満）", suppressed_note: "「—」は、{n}人未満の人数から算出される数値です。個人が特定されないよう表示していません。",
    stats_months_note: "月は日本時間で区切っています。相談は、どちらか一方がこの会社のメンバーであれば数えます。",
    stats_caption_company: "この会社の月ごとの集計", stats_caption_platform: "全体の月ごとの集計",
    operator_title: "運営", companies: "会社", invite_people: "招待する", platform_stats: "全体の利用状況", feedback_reports: "感想と報告",
    feedback_private: "ここに表示される感想と報告は運営スタッフだけが読めます。会社の担当者には表示されません。",
    co_trial: "試用", co_active: "契約中", co_ended: "終了", created_on: "登録日", change_status: "変更する",
    status_for: "{name}の状態", status_changed: "{name}の状態を変更しました。", new_company: "会社を追加する", company_name: "会社名",
    company_status: "状態", add_company: "追加する", company_added: "{name}を追加しました。", no_companies: "まだ会社がありません。",
    reports_only: "問題の報告だけ", no_feedback: "この期間の感想はありません。", rating_of: "満足度 {n} / 5",
    again_yes: "また話したい：はい", again_no: "また話したい：いいえ", report_label: "問題の報告：",
    // errors
    forbidden: "この操作はできません。", not_found: "見つかりませんでした。ページを再読み込みしてください。",
    csrf_token_invalid: "画面の有効期限が切れました。ページを再読み込みしてください。",
    conflict: "別の画面で変更されていました。最新の内容を読み込んでから、もう一度お試しください。",
    wrong_state: "状態が変わっていました。ページを再読み込みしてください。", too_long: "長すぎます。",
    required: "入力してください。", malformed: "形式が正しくありません。", unknown_value: "選択肢から選んでください。",
    out_of_range: "範囲外の値です。", too_many: "選べる数を超えています。", overlap: "ほかの時間と重なっています。",
    body_too_large: "ファイルが大きすぎます（5MBまで）。", unsupported_media_type: "JPEGかPNGの画像を選んでください。",
    bad_image: "画像を読み込めませんでした。JPEGかPNGの写真を選んでください。", image_too_large: "画像が大きすぎます。小さめの画像を選んでください。",
    too_early: "入室は開始10分前からです。", ended: "この相談の時間は終わりました。", already_given: "この相談の感想はすでに受け付けています。",
    too_far: "90日以内の日時を選んでください。", not_aligned: "15分単位の時刻を選んでください。", in_the_past: "この日時はすでに過ぎています。",
    peer_paused: "この方はいまお休み中です。また今度申し込んでみてください。", unknown_peer: "この方は表示しない設定にできません。",
    company_ended: "この会社の契約は終了しています。", unknown_company: "その会社は見つかりません。",
    "slots.outside_availability": "この方はまだ都合のよい時間を登録していません。また今度申し込んでみてください。",
    "weekly[].end.too_short": "30分以上の時間帯にしてください（終了は開始より後）。",
    "exceptions[].end.too_short": "30分以上の時間帯にしてください（終了は開始より後）。", "exceptions[].date.malformed": "日付を選んでください。",
    "email.conflict": "このメールアドレスはすでに登録されています。", "email.malformed": "メールアドレスを確かめてください。",
    "email.required": "メールアドレスを入力してください。", "company_id.required": "会社を選んでください。",
    "area.required": "対面で会える地域を入力してください。", "place.required": "会う場所を入力してください。",
    "languages.out_of_range": "言語を1〜5つ選んでください。", "themes.too_many": "テーマは合わせて8つまでです。",
    "time_zone.unknown_value": "時間帯を選び直してください。", "name.required": "会社名を入力してください。",
    "slot.slot_required": "日時を1つ選んでください。", "request.rate_limited": "今日はこれ以上申し込めません。また明日お試しください。",
    "invite.rate_limited": "招待が多すぎます。1時間ほど待ってからお試しください。",
    "feedback.wrong_state": "感想は相談の時間が終わってから送れます。", "join.wrong_state": "この相談にはビデオ通話の部屋がありません。",
    // control plane
    offered_times: "候補の日時（3つまで）", offered_times_hint: "お相手の空いている時間から選んでください（{zone} の時刻）。",
    free_day: "日にち", free_times: "空いている時間", chosen_times: "選んだ日時", remove_time: "外す", none_chosen: "まだ選んでいません。",
    max_three: "選べるのは3つまでです。", free_loading: "空いている時間を確かめています…",
    no_free_slots: "この先{days}日間に空いている時間がありません。長さを短くするか、また今度お試しください。",
    peer_no_availability: "この方はまだ都合のよい時間を登録していません。また今度申し込んでみてください。",
    free_load_failed: "空いている時間を読み込めませんでした。もう一度お試しください。",
    inv_revoked: "取り消し済み", inv_resend: "もう一度送る", inv_revoke: "取り消す",
    inv_confirm_revoke: "この招待を取り消しますか？メールのリンクは使えなくなります。",
    invite_resent: "{email} に新しいリンクを送りました。前のリンクは使えなくなります。", invite_revoked: "{email} への招待を取り消しました。",
    invitation_revoked: "この招待リンクは取り消されたか、新しいリンクに置き換えられました。最新のメールを確かめるか、招待した人に連絡してください。",
    "manage.invitation_used": "この招待はすでに使われています。", "manage.invitation_revoked": "この招待はすでに取り消されています。",
    feedback_from: "{author} → {about}",
    account_title: "アカウント設定", account_zone: "時間帯", account_zone_hint: "日時の表示とメールはこの時間帯になります。",
    account_lang: "表示とメールの言語", lang_ja: "日本語", lang_en: "English", account_save: "保存する", account_saved: "保存しました。",
    "locale.unknown_value": "言語を選び直してください。",
    mydata_title: "あなたのデータ", blocked_title: "表示しないことにした人", blocked_none: "いません。",
    unblock: "また表示する", unblocked: "{name}さんが、またおすすめに出るようになります。",
    export_title: "データのダウンロード", export_hint: "あなたについて保存しているもの（プロフィール、都合のよい時間、相談、感想）をJSONファイルで受け取れます。",
    export_download: "ダウンロードする", delete_account: "退会する",
    delete_hint: "プロフィール、写真、都合のよい時間を削除し、予定中の相談はキャンセルしてお相手に知らせます。元に戻せません。",
    delete_password: "確認のためパスワード", delete_confirm: "本当に退会しますか？元に戻せません。", delete_yes: "退会する",
    "delete.wrong_password": "パスワードが違います。", "password.required": "パスワードを入力してください。",
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
    block: "Don't show again", cancel: "Cancel", decline: "Decline", accept: "Accept this time",
    waiting_for_you: "Waiting for your answer", waiting_for_them: "Waiting for their answer", upcoming: "Upcoming", past: "Past",
    join: "Join the room", join_opens: "The room opens 10 minutes before", calendar: "Add to calendar", reschedule: "Change the time",
    feedback: "Give feedback", rating: "Rating (1–5)", feedback_text: "Feedback (read by operators only)", would_meet_again: "I'd meet again",
    report: "Report a problem (operators only)", send: "Send", thanks: "Thank you.", no_consultations: "No consultations yet.",
    status_requested: "Requested", status_booked: "Booked",
    status_declined: "Declined", status_cancelled: "Cancelled", status_expired: "Expired", status_completed: "Done",
    reason_shared_themes: "{n} shared concerns", reason_years_ahead_same_function: "{years} years ahead in the same job",
    reason_different_industry: "A different industry", reason_similar_life_stage: "Children of similar ages", reason_same_language: "Same language",
    outside_availability: "That time is outside their availability.", too_soon: "Pick a time at least an hour from now.",
    slot_taken: "One of you is already booked then. Pick another time.", not_recommended: "You can ask your recommended peers.",
    // common
    product: "Zadankai 座談会", skip: "Skip to content", nav_label: "Main menu", nav_admin: "Company", nav_operator: "Operations",
    close: "Close", back: "Back", remove: "Remove", optional: "(optional)", required_mark: "(required)", show: "Show", period: "Period",
    date: "Date", start_time: "Start time", choose_time: "Choose a time", from: "From", until: "Until", not_set: "Not set",
    going_home: "Taking you to your page, {name}…", load_failed: "This page could not be loaded. Please reload it.",
    network: "No connection. Please try again where the signal is better.", load_latest: "Load the latest version",
    latest_loaded: "The latest version is loaded.", month: "Month", months_n: "Last {n} months", days_n: "Last {n} days",
    // home
    recommendations_lead: "People from other companies you may get along with. Ask the ones you'd like to talk to.",
    recommendations_count: "{n} people recommended this week.", why_recommended: "Why we suggest them", themes: "Themes",
    reason_other: "Someone you may get along with", reason_same_focus: "Same focus (career or life)", reason_same_area: "Can meet in person nearby",
    reason_similar_work_style: "A similar way of working", reason_new_member: "New to Zadankai", reason_role_model: "A role model for you", request_to: "Consultation request to {name}",
    mode: "How to meet", note_hint: "A few words on what you'd like to talk about. It helps them decide (up to 500 characters).",
    place_hint: "e.g. a café near Shibuya Station (or \"let's decide together\")",
    proposed_times: "Proposed times (up to three)", slot_n: "Option {n}", length: "Length", minutes_30: "30 minutes", minutes_45: "45 minutes", minutes_60: "60 minutes",
    times_in_zone: "Times are in your time zone ({zone}). We check they fit their availability when you send.",
    slot_incomplete: "Choose both a date and a time.", slot_required: "Choose at least one time.",
    see_consultations: "See my consultations", confirm_block: "Stop showing this person in your recommendations? They won't be told.",
    block_yes: "Don't show again", blocked: "You won't see {name} again.",
    // consultations
    consultations_lead: "Plans change, especially with children. Cancelling or moving a time is always fine.",
    waiting_for_them_title: "Waiting for their answer", asked_you: "{name} would like a consultation with you.",
    new_times_for_you: "{name} has proposed new times.", answer_by: "Please answer by", pick_time: "Choose a time that suits you",
    slot_past: "(past)", decline_gentle: "It's fine to say no. They won't see your reason.",
    decline_reason: "Reason (optional, only you see it)", decline_reason_hint: "A note for yourself. It is not sent to them.",
    decline_send: "Send my answer", proposed_list: "Times you proposed:", withdraw: "Withdraw the request",
    confirm_withdraw: "Withdraw your request? They will be told.",
    confirm_cancel: "Cancel? No reason needed. They'll get a note and a calendar cancellation.",
    cancel_yes: "Cancel it", join_ended: "This consultation's time is over.",
    reschedule_hint: "The current time is given up and they choose from your new times.", reschedule_note: "A short note (optional)",
    reschedule_send: "Send new times", no_show: "They didn't come", no_show_yes: "Report",
    confirm_no_show: "Tell the operators they didn't come? It's not to blame anyone; it helps future recommendations.",
    note_label: "Note: ", your_reason: "Your note:", feedback_sent: "Feedback sent. Thank you.",
    outcome_declined: "It didn't work out this time. Feel free to ask someone else.", outcome_declined_by_you: "You declined.",
    outcome_cancelled: "Cancelled.", outcome_expired: "Closed: no answer before the deadline.",
    outcome_completed: "This consultation has ended.",
    accepted_done: "Booked with {name}. You can add it to your calendar.", declined_done: "Your answer has been sent.",
    rescheduled_done: "New times sent to {name}.", cancelled_done: "Cancelled. They have been told.",
    no_show_done: "Report received.", feedback_thanks: "Feedback received. Thank you.",
    feedback_already: "We already have your feedback for this consultation.",
    // feedback
    feedback_title: "How was your consultation with {name}?", rating_1: "1 not great", rating_2: "2", rating_3: "3 okay", rating_4: "4",
    rating_5: "5 excellent", tags: "What fits (any number)", tag_helpful: "Helpful", tag_encouraging: "Encouraging",
    tag_practical_tips: "Practical tips", tag_good_listener: "A good listener", tag_new_perspective: "A new perspective",
    tag_felt_safe: "I felt safe", tag_too_short: "Too short", tag_mismatch: "Not a good match",
    operators_only: "Read by the operators only. Never shown to them or to any company.", send_feedback: "Send feedback",
    report_problem: "Report a problem (optional)", report_text: "Tell us what happened", block_after: "Don't recommend this person to me again",
    rating_required: "Choose a rating.",
    // profile
    pause_title: "Taking a break", paused_label: "Take a break from recommendations",
    paused_hint: "While on a break you are not recommended to anyone and get no new requests. Come back any time.",
    paused_on: "You're on a break. Switch it off again when you're ready.", paused_off: "Recommendations are back on.",
    photo_title: "Photo", your_photo: "Your photo", choose_photo: "Choose a photo", photo_hint: "JPEG or PNG, up to 5 MB. Cropped to a centred square; location data is removed.",
    photo_preview: "Preview of the chosen photo", photo_preview_note: "Upload this photo?", upload_photo: "Upload",
    photo_saved: "Your photo is updated.",
    profile_title: "About you", intro_label: "About you", intro_hint: "Work, family, what you'd like to talk about (up to 600 characters).",
    industry: "Industry", job_function: "Job", job_level: "Level", years_experience: "Years of experience", hours: "Hours", remote: "Workplace",
    children_count: "Number of children", age_bands: "Children's ages (all that apply)", career_themes: "Career themes",
    life_themes: "Life themes", themes_hint: "Up to 8 in total.", languages: "Languages you speak",
    in_person: "I can also meet in person", area: "Where you can meet", area_hint: "e.g. Tokyo, Osaka",
    capacity: "Consultations you can take per month", capacity_hint: "0 means no new requests.",
    save_profile: "Save profile", profile_saved: "Your profile is saved.",
    level_1: "Staff", level_2: "Team lead", level_3: "Manager", level_4: "Senior manager", level_5: "Executive",
    hours_full_time: "Full time", hours_part_time: "Reduced hours / part time", remote_office: "Mostly office", remote_hybrid: "Hybrid", remote_remote: "Mostly remote",
    "age_0-2": "0–2", "age_3-5": "3–5", "age_6-12": "6–12", "age_13-18": "13–18", "age_19+": "19+",
    industry_manufacturing: "Manufacturing", industry_it: "IT and telecom", industry_finance: "Finance", industry_consulting: "Consulting",
    industry_retail: "Retail and consumer goods", industry_healthcare: "Healthcare and care", industry_education: "Education", industry_public: "Public sector",
    industry_media: "Media", industry_construction: "Construction and real estate", industry_logistics: "Logistics", industry_other: "Other industry",
    function_engineering: "Engineering", function_sales: "Sales", function_marketing: "Marketing", function_hr: "HR",
    function_finance: "Finance and accounting", function_operations: "Operations", function_research: "Research and development",
    function_design: "Design", function_legal: "Legal", function_management: "Management", function_other: "Other job",
    language_ja: "Japanese", language_en: "English", language_zh: "Chinese", language_ko: "Korean", language_es: "Spanish",
    language_pt: "Portuguese", language_fr: "French", language_de: "German", language_vi: "Vietnamese", language_tl: "Tagalog",
    // availability
    profile_privacy: "Your profile is shown only to people from other companies you are recommended to. Children's names are never asked.",
    availability_lead: "People who ask you for a consultation choose times inside these windows.", availability_title: "When you're available", time_zone: "Time zone", browser_zone: "This device's time zone: {zone}",
    weekly_windows: "Every week", weekly_hint: "Lunch breaks, after the children are asleep… Each window lasts at least 30 minutes.",
    add_window: "Add a time", remove_window: "Remove this time", exceptions: "Changes on particular days",
    exceptions_hint: "A day off for a school event, or a time you're free on one day only.", exception_kind: "Change",
    day_off: "Not available all day", extra_window: "Also available at", add_exception: "Add a date", remove_exception: "Remove this date",
    save_availability: "Save availability", availability_saved: "Your availability is saved.",
    weekday_0: "Sunday", weekday_1: "Monday", weekday_2: "Tuesday", weekday_3: "Wednesday", weekday_4: "Thursday", weekday_5: "Friday", weekday_6: "Saturday",
    // company admin and operators
    admin_title: "Company", invite_members: "Invite members", invitations: "Invitations", stats_title: "Monthly figures",
    admin_privacy: "This page shows totals only. Who met whom and what anyone wrote are never shown.",
    invite_hint: "They get an email with a sign-up link (valid for 7 days).", send_invitation: "Send invitation", invite_sent: "Invitation sent to {email}.",
    role: "Role", company: "Company", choose_company: "Choose a company", no_invitations: "No invitations yet.", invited_on: "Invited",
    expires_on: "expires", inv_pending: "Pending", inv_accepted: "Joined", inv_expired: "Expired",
    role_member: "Member", role_company_admin: "Company admin", role_operator: "Operator", role_guest_speaker: "Guest speaker",
    stat_members_invited: "People invited", stat_members_active: "People active", stat_consultations_requested: "Consultations requested",
    stat_consultations_held: "Consultations held", stat_consultations_cancelled: "Consultations cancelled", stat_average_rating: "Average rating (of 5)",
    suppressed_sr: "hidden (fewer than 5 people)", suppressed_note: "“—” marks a figure from fewer than {n} people, hidden so that nobody can be identified.",
    stats_months_note: "Months follow Japan time. A consultation counts when either person belongs to the company.",
    stats_caption_company: "This company, month by month", stats_caption_platform: "The whole platform, month by month",
    operator_title: "Operations", companies: "Companies", invite_people: "Invite", platform_stats: "Platform figures", feedback_reports: "Feedback and reports",
    feedback_private: "Feedback and reports here are for operators only. Company admins never see them.",
    co_trial: "Trial", co_active: "Active", co_ended: "Ended", created_on: "Added", change_status: "Change",
    status_for: "Status of {name}", status_changed: "The status of {name} has changed.", new_company: "Add a company", company_name: "Company name",
    company_status: "Status", add_company: "Add", company_added: "{name} has been added.", no_companies: "No companies yet.",
    reports_only: "Problem reports only", no_feedback: "No feedback in this period.", rating_of: "Rating {n} / 5",
    again_yes: "Would meet again: yes", again_no: "Would meet again: no", report_label: "Problem report:",
    // errors
    forbidden: "You can't do this.", not_found: "Not found. Please reload the page.",
    csrf_token_invalid: "This page has expired. Please reload it.",
    conflict: "This was changed somewhere else. Load the latest version and try again.",
    wrong_state: "This has changed meanwhile. Please reload the page.", too_long: "Too long.",
    required: "Please fill this in.", malformed: "This doesn't look right.", unknown_value: "Choose one of the options.",
    out_of_range: "Out of range.", too_many: "Too many chosen.", overlap: "This overlaps another time.",
    body_too_large: "The file is too large (5 MB at most).", unsupported_media_type: "Choose a JPEG or PNG image.",
    bad_image: "The image could not be read. Choose a JPEG or PNG photo.", image_too_large: "The image is too large. Choose a smaller one.",
    too_early: "The room opens 10 minutes before the start.", ended: "This consultation's time is over.", already_given: "We already have your feedback for this consultation.",
    too_far: "Choose a time within 90 days.", not_aligned: "Choose a time on the quarter hour.", in_the_past: "This time has already passed.",
    peer_paused: "This person is taking a break. Try again another time.", unknown_peer: "This person can't be hidden.",
    company_ended: "This company's contract has ended.", unknown_company: "No such company.",
    "slots.outside_availability": "This person hasn't shared when they're available yet. Try again another time.",
    "weekly[].end.too_short": "Make it at least 30 minutes, ending after it starts.",
    "exceptions[].end.too_short": "Make it at least 30 minutes, ending after it starts.", "exceptions[].date.malformed": "Choose a date.",
    "email.conflict": "This email address already has an account.", "email.malformed": "Please check the email address.",
    "email.required": "Enter an email address.", "company_id.required": "Choose a company.",
    "area.required": "Say where you can meet in person.", "place.required": "Say where to meet.",
    "languages.out_of_range": "Choose 1 to 5 languages.", "themes.too_many": "Up to 8 themes in total.",
    "time_zone.unknown_value": "Choose the time zone again.", "name.required": "Enter the company name.",
    "slot.slot_required": "Choose one time.", "request.rate_limited": "No more requests today. Please try again tomorrow.",
    "invite.rate_limited": "Too many invitations. Please wait about an hour.",
    "feedback.wrong_state": "Feedback opens when the consultation has ended.", "join.wrong_state": "This consultation has no video room.",
    // control plane
    offered_times: "Proposed times (up to three)", offered_times_hint: "Pick from the times they have free (shown in {zone}).",
    free_day: "Day", free_times: "Free times", chosen_times: "Your choices", remove_time: "Remove", none_chosen: "Nothing chosen yet.",
    max_three: "You can choose up to three.", free_loading: "Checking when they are free…",
    no_free_slots: "No free times in the next {days} days. Try a shorter length, or another time.",
    peer_no_availability: "This person hasn't shared when they're available yet. Try again another time.",
    free_load_failed: "Their free times could not be loaded. Please try again.",
    inv_revoked: "Revoked", inv_resend: "Send again", inv_revoke: "Revoke",
    inv_confirm_revoke: "Revoke this invitation? The link in the email will stop working.",
    invite_resent: "A new link went to {email}. The previous one no longer works.", invite_revoked: "The invitation to {email} is revoked.",
    invitation_revoked: "This invitation link was withdrawn or replaced by a newer one. Check the latest email or ask the person who invited you.",
    "manage.invitation_used": "This invitation has been used already.", "manage.invitation_revoked": "This invitation is revoked already.",
    feedback_from: "{author} → {about}",
    account_title: "Account settings", account_zone: "Time zone", account_zone_hint: "Times on the pages and in emails use this zone.",
    account_lang: "Language for pages and emails", lang_ja: "日本語", lang_en: "English", account_save: "Save", account_saved: "Saved.",
    "locale.unknown_value": "Choose the language again.",
    mydata_title: "Your data", blocked_title: "People you chose not to see", blocked_none: "Nobody.",
    unblock: "Show again", unblocked: "{name} can be recommended to you again.",
    export_title: "Download your data", export_hint: "Everything kept about you (profile, availability, consultations, feedback) as a JSON file.",
    export_download: "Download", delete_account: "Leave Zadankai",
    delete_hint: "Deletes your profile, photo and availability, and cancels upcoming consultations (the other person is told). This cannot be undone.",
    delete_password: "Your password, to confirm", delete_confirm: "Leave for good? This cannot be undone.", delete_yes: "Leave Zadankai",
    "delete.wrong_password": "The password is wrong.", "password.required": "Enter your password.",
  },
};

export let lang = localStorage.getItem("lang") || (navigator.language.startsWith("ja") ? "ja" : "en");

// setLang switches the language (remembered on this device) and redraws.
export function setLang(l, remember = true) {
  if (!messages[l]) return;
  lang = l;
  if (remember) localStorage.setItem("lang", l);
  render();
}

// langChosen tells whether the visitor picked a language on this device.
export function langChosen() { return !!localStorage.getItem("lang"); }

export function t(key) { return messages[lang][key] ?? messages.ja[key] ?? key; }

// has tells whether a message exists (for codes from the server).
export function has(key) { return key in messages.ja; }

// tf fills {name} placeholders of a message.
export function tf(key, params = {}) {
  return t(key).replace(/\{(\w+)\}/g, (_, k) => params[k] ?? "");
}

// errorKey picks the message for an API error body: the field's own
// ("weekly[].end.too_short"), the page's scope
// ("request.rate_limited"), the code, or a generic one.
export function errorKey(body, scope) {
  const e = (body && body.error) || {};
  const code = e.code || "";
  const f = (e.field || "").replace(/\[\d+\]/g, "[]");
  for (const k of [f && code && `${f}.${code}`, scope && code && `${scope}.${code}`, code]) if (k && has(k)) return k;
  return "generic";
}

// errorText turns an API error body into a message for people.
export function errorText(body, scope) { return t(errorKey(body, scope)); }

// render translates the page: [data-i18n] (with [data-i18n-params]),
// [data-i18n-label] into aria-label, [data-label-ja]/[data-label-en]
// (labels the server sends in both languages), and the title.
export function render() {
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll("[data-i18n]")) {
    e.textContent = e.dataset.i18nParams ? tf(e.dataset.i18n, JSON.parse(e.dataset.i18nParams)) : t(e.dataset.i18n);
  }
  for (const e of document.querySelectorAll("[data-i18n-label]")) e.setAttribute("aria-label", t(e.dataset.i18nLabel));
  for (const e of document.querySelectorAll("[data-label-ja]")) e.textContent = lang === "en" ? e.dataset.labelEn : e.dataset.labelJa;
  const title = document.body && document.body.dataset.title;
  if (title) document.title = `${t(title)} | ${t("product")}`;
  const sw = document.getElementById("lang");
  if (sw) {
    sw.textContent = t("other");
    sw.lang = lang === "ja" ? "en" : "ja";
  }
}

export function setupLanguageSwitch(onChange) {
  render();
  document.getElementById("lang").addEventListener("click", () => {
    setLang(lang === "ja" ? "en" : "ja");
    if (onChange) onChange();
  });
}

export async function postJSON(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
}
