"""What the seed articles (../shared/data/seeds) carry that is not reporting: page furniture
and subheads no cleaned text or briefing may show."""

SEED_NOISE = [
    "Skip to content",
    "Join our Newsletter",
    "BBC :",
    "7de9f14b6f7fea93555758c4f999bd2bbb54cde4a9661880ea99049b9b253d94",
    "Ludovic Marin/Pool Photo via AP",
    "arrive to attend a summit on Ukraine at the Elysee Palace",
    "___",
    "Petrequin reported from London",
    "contributed to this report",
    "Illia Novikov And Samuel Petrequin",
    "Subscribe or register today",
    "Buy the e-paper",
    "daily newsletter",
    "delivered to your inbox",
    "KYIV, Ukraine (AP)",
    "date 2025-09-05",
]
SEED_SUBHEADS = ["Macron and Zelenskyy say US backs the plan", "Trump phone call", "Positive signals"]
