"""The seed data (fixtures/korea_us_2025.json: the 2025 Korea–US tariff talks as the articles
reported them), named once.

End-to-end tests (tests/end_to_end/, tests/browser/) check the product's answers about the
real talks against the articles, and take their slugs from here. Every other test builds its
own records (tests/factories.py), a record of every kind included where it needs one (the
query counts); the seed is in its database all the same, so such a test scopes what it asks
to the records it built.
"""

SEED_FIXTURE = "korea_us_2025"

# Negotiations
TALKS = "kr-us-tariff-talks-2025"
CURRENCY_TALKS = "kr-us-currency-consultations-2025"
ALASKA_TALKS = "alaska-lng-commitments-2025"
JAPAN_TALKS = "jp-us-tariff-talks-2025"

# Rounds of the Korea–US talks, in sequence
WASHINGTON = "washington-2plus2-2025-04-24"  # held; the first reported agenda
TECHNICAL_1 = "washington-technical-1-2025-05-01"  # held; agenda announced on 26 April
JEJU = "jeju-ministerial-2025-05-16"  # held; currency policy dropped (and stated off)
TECHNICAL_2 = "technical-2-week-of-2025-05-19"  # planned ("six key areas"), a coarse date
ALASKA_SUMMIT = "alaska-lng-summit-2025-summer"  # another negotiation, a season

# Agenda items
JEJU_DIGITAL_TRADE = "jeju-ministerial-2025-05-16--digital-trade"
SIX_KEY_AREAS = "technical-2-week-of-2025-05-19--six-key-areas"

# Agenda areas
CURRENCY_POLICY = "currency-policy"
DEFENCE_COSTS = "defence-cost-sharing"
DIGITAL_TRADE = "digital-trade"
INVESTMENT_COOPERATION = "investment-cooperation"

# Parties, organizations, people
KOREA, US, JAPAN = "kr", "us", "jp"
MOTIE = "motie"
BESSENT = "scott-bessent"

# Sources and citations
HAN_CABINET = "han-cabinet-2025-04-22"  # 22 April (inferred)
REUTERS = "reuters-2025-04-24"  # 24 April (inferred)
YONHAP = "yonhap-2025-04-26"
UNDATED = "bescent-very-successful-2025-04"  # published 24-30 April: counts from 30 April
JOONGANG = "joongang-2025-05-16"
JEJU_QUOTE = "joongang-2025-05-16--ahn-greer-met-in-jeju"  # cited by Jeju's participants
JULY_QUOTE = "joongang-2025-05-16--2plus2-july-8"  # cited by the two July deadlines

# Deadlines
PAUSE_EXPIRY = "tariff-pause-expiry-2025-07-08"
JULY_PACKAGE = "july-package-target-2025-07-08"
ELECTION = "korea-snap-election-2025-06-03"

# Measures, positions, disagreements
RECIPROCAL_TARIFF = "us-reciprocal-tariff-kr-25"
SEPARATE_CURRENCY_TALKS = "us-requests-separate-currency-talks-2025-04-24"
JEJU_COUNTERPART = "jeju-meeting-korean-counterpart"  # who was to meet Greer in mid-May
TARIFF_SCOPE = "scope-of-25-percent-tariff-on-korea"  # what the 25% tariff covers

# Agenda exclusions: what a source says is off the agenda
DEFENCE_OFF_WASHINGTON = "washington-2plus2-2025-04-24--defence-cost-sharing-excluded"
DEFENCE_OFF_TALKS = "kr-us-tariff-talks-2025--defence-cost-sharing-excluded"
CURRENCY_APART = "kr-us-tariff-talks-2025--currency-policy-excluded"  # handled in CURRENCY_TALKS
CURRENCY_OFF_JEJU = "jeju-ministerial-2025-05-16--currency-policy-excluded"
