"""User-facing strings in the languages we answer in (en, ko, ja).

One table so every adapter says the same thing the same way; the engine's own framing words
(answer lead, "no answer", help) live here too.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "answer_lead": {
        "en": "Here is what the releases say:",
        "ko": "보도자료에서 찾은 내용입니다:",
        "ja": "リリースに記載されている内容です:",
    },
    "sources": {"en": "Sources", "ko": "출처", "ja": "出典"},
    "closest": {"en": "Closest releases", "ko": "가장 가까운 보도자료", "ja": "最も近いリリース"},
    "abstain": {
        "en": "The releases I have don't answer that. The closest ones are listed below.",
        "ko": "보유한 보도자료에서는 이 질문에 대한 답을 찾을 수 없습니다. 가장 가까운 보도자료를 아래에 안내합니다.",
        "ja": "手元のリリースにはその答えが見つかりません。最も近いリリースを以下に示します。",
    },
    "greeting": {"en": "Hello!", "ko": "안녕하세요!", "ja": "こんにちは！"},
    "help": {
        "en": "Ask me about partnerships (MOUs, cooperation agreements) between life-science "
              "clusters, agencies and companies. I answer only from press releases and cite "
              "each one. For example:",
        "ko": "생명과학 클러스터·기관·기업 간 협력(MOU, 업무협약)에 대해 물어보세요. 보도자료에 있는 "
              "내용으로만 답하고 출처를 밝힙니다. 예를 들면:",
        "ja": "ライフサイエンス分野のクラスター・機関・企業間の提携（MOU、協力協定）について質問してください。"
              "プレスリリースの内容だけで答え、出典を示します。例えば:",
    },
    "too_long": {
        "en": "That message is too long ({n} characters; the limit is {limit}). "
              "Please ask a shorter question.",
        "ko": "메시지가 너무 깁니다({n}자, 최대 {limit}자). 질문을 짧게 줄여 주세요.",
        "ja": "メッセージが長すぎます（{n}文字、上限は{limit}文字）。短く質問してください。",
    },
    "error": {
        "en": "Sorry, something went wrong while answering. Please try again in a moment.",
        "ko": "답변 중 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        "ja": "回答中に問題が発生しました。しばらくしてからもう一度お試しください。",
    },
    "working": {"en": "Looking through the releases…", "ko": "보도자료를 찾아보는 중…",
                "ja": "リリースを検索しています…"},
    "admin_only": {
        "en": "Sorry, only admins can do that.",
        "ko": "죄송합니다. 관리자만 사용할 수 있는 명령입니다.",
        "ja": "申し訳ありません。管理者のみが使えるコマンドです。",
    },
    "feedback_thanks": {"en": "Thanks for the feedback!", "ko": "피드백 감사합니다!",
                        "ja": "フィードバックありがとうございます！"},
    "rate_limited": {
        "en": "You're asking faster than I can keep up. Please wait a minute and try again.",
        "ko": "질문이 너무 빠릅니다. 1분 후에 다시 시도해 주세요.",
        "ja": "質問が多すぎます。1分ほど待ってからもう一度お試しください。",
    },
    "reindex_started": {"en": "Reindexing… the current index keeps serving until the new one "
                              "is ready.",
                        "ko": "색인을 다시 만드는 중입니다. 새 색인이 준비될 때까지 기존 색인으로 "
                              "답변합니다.",
                        "ja": "再インデックス中です。新しいインデックスの準備ができるまで現在の"
                              "インデックスで回答します。"},
    "reindex_done": {"en": "Reindex done: {summary}", "ko": "색인 완료: {summary}",
                     "ja": "再インデックス完了: {summary}"},
    "reindex_failed": {"en": "Reindex failed: {reason}. The previous index is still serving.",
                       "ko": "색인 실패: {reason}. 기존 색인으로 계속 답변합니다.",
                       "ja": "再インデックス失敗: {reason}。以前のインデックスで回答を続けます。"},
    "reindex_busy": {"en": "A reindex is already running.", "ko": "이미 색인 작업이 진행 중입니다.",
                     "ja": "再インデックスはすでに実行中です。"},
    "reindex_progress": {"en": "Reindexing: {stage} {done}/{total}",
                         "ko": "색인 중: {stage} {done}/{total}",
                         "ja": "再インデックス中: {stage} {done}/{total}"},
    "index_status": {
        "en": "Index {version}: {releases} releases, {passages} passages, built {built_at} "
              "(embedders: {embedders})",
        "ko": "색인 {version}: 보도자료 {releases}건, 구절 {passages}개, {built_at}에 생성 "
              "(임베더: {embedders})",
        "ja": "インデックス {version}: リリース{releases}件、パッセージ{passages}件、{built_at}に作成 "
              "（埋め込み: {embedders}）",
    },
    "telegram_ask_usage": {
        "en": "Write your question after /ask, for example: /ask Which clusters signed an MOU "
              "with LINK-J?",
        "ko": "/ask 뒤에 질문을 적어 주세요. 예: /ask LINK-J와 양해각서를 맺은 클러스터는 어디인가요?",
        "ja": "/ask の後に質問を書いてください。例: /ask LINK-JとMOUを締結したクラスターはどこですか？",
    },
    "telegram_private_usage": {
        "en": "Send me a question about partnerships, for example: Which clusters signed an "
              "MOU with LINK-J?",
        "ko": "파트너십에 관한 질문을 보내 주세요. 예: LINK-J와 양해각서를 맺은 클러스터는 어디인가요?",
        "ja": "パートナーシップについて質問を送ってください。例: LINK-JとMOUを締結したクラスターはどこですか？",
    },
    "telegram_commands": {
        "en": "/ask <question> — ask in a group (or mention me, or reply to my answer)\n"
              "/sources — the releases I know\n/help — this message\n"
              "/announce on|off — admins: post new releases in this chat",
        "ko": "/ask <질문> — 그룹에서 질문하기 (저를 멘션하거나 제 답변에 답장해도 됩니다)\n"
              "/sources — 제가 아는 보도자료\n/help — 이 안내\n"
              "/announce on|off — 관리자: 새 보도자료를 이 채팅에 알리기",
        "ja": "/ask <質問> — グループで質問する（メンションや私の回答への返信でも可）\n"
              "/sources — 私が知っているリリース\n/help — このメッセージ\n"
              "/announce on|off — 管理者: 新しいリリースをこのチャットでお知らせ",
    },
    "telegram_sources_page": {"en": "Releases I know, newest first (page {page} of {pages}):",
                              "ko": "제가 아는 보도자료, 최신순 ({page}/{pages}쪽):",
                              "ja": "私が知っているリリース（新しい順、{page}/{pages}ページ）:"},
    "telegram_sources_empty": {"en": "No releases are indexed yet.",
                               "ko": "아직 색인된 보도자료가 없습니다.",
                               "ja": "まだインデックスされたリリースはありません。"},
    "telegram_menu_ask": {"en": "Ask about a partnership", "ko": "협력에 대해 질문하기",
                          "ja": "提携について質問する"},
    "telegram_menu_sources": {"en": "Releases I know", "ko": "제가 아는 보도자료",
                              "ja": "知っているリリース"},
    "telegram_menu_help": {"en": "How to ask", "ko": "사용법", "ja": "使い方"},
    "telegram_menu_announce": {"en": "New releases in this chat (admins)",
                               "ko": "이 채팅에 새 보도자료 알림 (관리자)",
                               "ja": "このチャットで新着リリースを通知（管理者）"},
    # answers from the partnership registry (bot/partners/answers.py); {period} is one of registry_in,
    # registry_since, registry_until, registry_between, or empty
    "registry_list": {"en": "Partnerships of {org}{period} in the releases ({n}):",
                      "ko": "보도자료에 나온 {period}{org}의 협력 ({n}건):",
                      "ja": "リリースに記載された{period}{org}の提携（{n}件）:"},
    "registry_all": {"en": "Partnerships{period} in the releases ({n}):",
                     "ko": "보도자료에 나온 {period}협력 ({n}건):",
                     "ja": "リリースに記載された{period}提携（{n}件）:"},
    "registry_count": {"en": "The releases report {n} partnership(s) of {org}{period}:",
                       "ko": "보도자료에 나온 {period}{org}의 협력은 {n}건입니다:",
                       "ja": "リリースに記載された{period}{org}の提携は{n}件です:"},
    "registry_yes": {"en": "Yes. The releases report {n} partnership(s) with {org}{period}:",
                     "ko": "네. 보도자료에 {period}{org}와(과)의 협력이 {n}건 있습니다:",
                     "ja": "はい。リリースには{period}{org}との提携が{n}件あります:"},
    "registry_stated": {"en": "The releases state {total} partnerships of {org} [{n}]:",
                        "ko": "보도자료에 따르면 {org}의 협력은 {total}건입니다 [{n}]:",
                        "ja": "リリースによると{org}の提携は{total}件です [{n}]:"},
    "registry_stated_differs": {"en": "The registry below lists {n} of them; not every partnership is described "
                                      "in the releases I have.",
                                "ko": "아래 목록은 그중 {n}건입니다. 모든 협력이 보유한 보도자료에 나오지는 않습니다.",
                                "ja": "下の一覧はそのうち{n}件です。すべての提携が手元のリリースに記載されているわけではありません。"},
    "registry_in": {"en": " signed in {year}", "ko": "{year}년에 체결된 ",
                    "ja": "{year}年に締結された"},
    "registry_since": {"en": " signed since {year}", "ko": "{year}년 이후 체결된 ",
                       "ja": "{year}年以降に締結された"},
    "registry_until": {"en": " signed until {year}", "ko": "{year}년까지 체결된 ",
                       "ja": "{year}年までに締結された"},
    "registry_between": {"en": " signed {since}–{until}", "ko": "{since}~{until}년에 체결된 ",
                         "ja": "{since}〜{until}年に締結された"},
    # the same with a month or a day ("2023-06", "2023-06-01"): {since}/{until} already written out
    "registry_in_date": {"en": " signed on {since}", "ko": "{since}에 체결된 ", "ja": "{since}に締結された"},
    "registry_since_date": {"en": " signed since {since}", "ko": "{since} 이후 체결된 ",
                            "ja": "{since}以降に締結された"},
    "registry_until_date": {"en": " signed until {until}", "ko": "{until}까지 체결된 ",
                            "ja": "{until}までに締結された"},
    "registry_between_date": {"en": " signed {since}–{until}", "ko": "{since}~{until}에 체결된 ",
                              "ja": "{since}〜{until}に締結された"},
    "registry_mentioned": {"en": "(listed as an earlier partnership)", "ko": "(이전 협력으로 언급)",
                           "ja": "（過去の提携として言及）"},
    "registry_undated": {"en": "date not given", "ko": "날짜 미상", "ja": "日付不明"},
    "kind_mou": {"en": "MOU", "ko": "업무협약(MOU)", "ja": "覚書(MOU)"},
    "kind_agreement": {"en": "agreement", "ko": "협약", "ja": "協定"},
    "kind_loi": {"en": "letter of intent", "ko": "의향서(LOI)", "ja": "意向書(LOI)"},
    "kind_extension": {"en": "extension", "ko": "연장·갱신", "ja": "延長・更新"},
    "kind_programme": {"en": "joint programme", "ko": "공동 프로그램", "ja": "共同プログラム"},
    "partners_unknown": {"en": "The releases list no partnerships of {name}.",
                         "ko": "보도자료에 {name}의 협력이 없습니다.",
                         "ja": "リリースには{name}の提携がありません。"},
    "partners_more": {"en": "More", "ko": "더 보기", "ja": "もっと見る"},
    "partners_page": {"en": "(page {page} of {pages})", "ko": "({page}/{pages}쪽)",
                      "ja": "（{page}/{pages}ページ）"},
}


def message(key: str, lang: str | None = "en", **fmt: object) -> str:
    """The string for `key` in `lang`, falling back to English."""
    table = MESSAGES[key]
    text = table.get(lang or "en") or table["en"]
    return text.format(**fmt) if fmt else text
