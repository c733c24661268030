"""Fictional demo data for ``manage.py seed_demo``.

Every organization, service, reception site, address, phone number, e-mail
address and family in this module is invented. Any resemblance to real
associations or people is coincidental. The texts are written to be realistic
for Finnish NGO family services (keskusteluapu, neuvonta, ohjaus) in
Varsinais-Suomi, in Finnish, Swedish and English.

The module is pure data: the seed command consumes the constants as-is.

Municipality codes used:
    853 Turku, 895 Uusikaupunki, 400 Laitila, 322 Kemiönsaari (pilot areas)
    202 Kaarina, 304 Kustavi, 445 Parainen, 503 Mynämäki, 529 Naantali,
    631 Pyhäranta, 680 Raisio, 734 Salo, 738 Sauvo, 833 Taivassalo, 918 Vehmaa
"""

from __future__ import annotations

# The demo coordinator's second factor: a fixed, published TOTP key (base32), so that anyone
# trying the demo can add it to an authenticator app or run `manage.py totp_code coordinator`.
COORDINATOR_TOTP_SECRET = "PERHELINJADEMOKOORDINAATTORI2345"  # noqa: S105  (published)

# ---------------------------------------------------------------------------
# Taxonomies: (slug, name_fi, name_sv, name_en)
# ---------------------------------------------------------------------------

TARGET_GROUPS = [
    ("families-with-babies", "Vauvaperheet", "Familjer med bebisar", "Families with babies"),
    (
        "under-school-age",
        "Alle kouluikäisten lasten perheet",
        "Familjer med barn under skolåldern",
        "Families with under-school-age children",
    ),
    (
        "school-age",
        "Kouluikäisten lasten perheet",
        "Familjer med barn i skolåldern",
        "Families with school-age children",
    ),
    ("young-people", "Nuoret 13–17 v.", "Unga 13–17 år", "Young people aged 13–17"),
    ("young-adults", "Nuoret aikuiset 18–29 v.", "Unga vuxna 18–29 år", "Young adults aged 18–29"),
    ("parents", "Vanhemmat", "Föräldrar", "Parents"),
    (
        "separated-families",
        "Eroavat ja eronneet perheet",
        "Familjer i skilsmässa eller separation",
        "Divorcing and separated families",
    ),
    (
        "foster-adoptive-families",
        "Sijais- ja adoptioperheet",
        "Familjehem och adoptivfamiljer",
        "Foster and adoptive families",
    ),
    (
        "immigrant-families",
        "Maahan muuttaneet perheet",
        "Familjer med invandrarbakgrund",
        "Immigrant families",
    ),
]

CHALLENGES = [
    ("parenting", "Vanhemmuus ja kasvatus", "Föräldraskap och fostran", "Parenting"),
    (
        "divorce-separation",
        "Ero ja erotilanteet",
        "Skilsmässa och separation",
        "Divorce and separation",
    ),
    (
        "school-attendance",
        "Koulunkäynti ja koulupoissaolot",
        "Skolgång och skolfrånvaro",
        "School attendance and absence",
    ),
    ("loneliness", "Yksinäisyys", "Ensamhet", "Loneliness"),
    ("family-conflicts", "Perheen ristiriidat", "Konflikter i familjen", "Family conflicts"),
    ("substance-use", "Päihteet perheessä", "Rusmedel i familjen", "Substance use in the family"),
    ("mental-wellbeing", "Mielen hyvinvointi", "Psykiskt välbefinnande", "Mental wellbeing"),
    ("violence-at-home", "Väkivalta kotona", "Våld i hemmet", "Violence at home"),
    ("finances-debt", "Talous ja velat", "Ekonomi och skulder", "Finances and debt"),
    (
        "digital-media",
        "Digitaalinen media ja pelaaminen",
        "Digitala medier och spelande",
        "Digital media use and gaming",
    ),
    (
        "neuropsychiatric",
        "Neuropsykiatriset haasteet",
        "Neuropsykiatriska utmaningar",
        "Neuropsychiatric challenges",
    ),
    ("couple-relationship", "Parisuhde", "Parförhållande", "Couple relationship"),
    ("grief-crisis", "Suru ja kriisit", "Sorg och kris", "Grief and crisis"),
    (
        "parental-exhaustion",
        "Vanhemman uupumus",
        "Utmattning hos föräldern",
        "Parental exhaustion",
    ),
    (
        "integration",
        "Kotoutuminen ja arjen asiat",
        "Integration och vardagsfrågor",
        "Integration and everyday matters",
    ),
]

OUTCOME_THEMES = [
    (
        "family-interaction",
        "Perheen vuorovaikutus parani",
        "Samspelet i familjen förbättrades",
        "Family interaction improved",
    ),
    (
        "parental-coping",
        "Vanhemman jaksaminen vahvistui",
        "Förälderns ork stärktes",
        "Parental coping strengthened",
    ),
    (
        "child-wellbeing",
        "Lapsen tai nuoren hyvinvointi parani",
        "Barnets eller den ungas välbefinnande förbättrades",
        "Child's or young person's wellbeing improved",
    ),
    (
        "daily-routines",
        "Arjen rutiinit selkiytyivät",
        "Vardagsrutinerna blev tydligare",
        "Daily routines became clearer",
    ),
    (
        "school-attendance-stabilised",
        "Koulunkäynti vakiintui",
        "Skolgången stabiliserades",
        "School attendance stabilised",
    ),
    (
        "social-network",
        "Sosiaalinen verkosto vahvistui",
        "Det sociala nätverket stärktes",
        "Social network strengthened",
    ),
    (
        "knowledge-understanding",
        "Tieto ja ymmärrys tilanteesta lisääntyivät",
        "Kunskapen och förståelsen av situationen ökade",
        "Knowledge and understanding of the situation increased",
    ),
    (
        "co-parenting",
        "Erovanhempien yhteistyö sujui paremmin",
        "Samarbetet mellan separerade föräldrar förbättrades",
        "Co-parenting after separation improved",
    ),
    (
        "crisis-stabilised",
        "Kriisitilanne tasaantui",
        "Krisläget stabiliserades",
        "Crisis situation stabilised",
    ),
    (
        "finances-clarified",
        "Taloudellinen tilanne selkiytyi",
        "Den ekonomiska situationen klarnade",
        "Financial situation clarified",
    ),
    (
        "referred-onwards",
        "Perhe ohjattiin jatkopalveluihin",
        "Familjen hänvisades till fortsatt stöd",
        "Family referred to further services",
    ),
]

# ---------------------------------------------------------------------------
# Organizations (13)
# ---------------------------------------------------------------------------

ORGANIZATIONS = [
    {
        "slug": "lounaisrannikon-perhetuki",
        "name": "Lounaisrannikon Perhetuki ry",
        "name_sv": "Sydvästkustens Familjestöd rf",
        "description": (
            "Vakka-Suomessa toimiva perhejärjestö, joka tarjoaa lapsiperheille maksutonta "
            "keskusteluapua, neuvontaa ja kotikäyntejä. Työntekijät ovat sosiaali- ja "
            "terveysalan ammattilaisia."
        ),
        "website": "https://lounaisrannikon-perhetuki.example.org/",
        "email": "info@lounaisrannikon-perhetuki.example.org",
        "phone": "+358 2 555 0101",
    },
    {
        "slug": "skargardens-familjeforum",
        "name": "Saariston Perhefoorumi ry",
        "name_sv": "Skärgårdens Familjeforum rf",
        "description": (
            "Kemiönsaarella ja Turunmaan saaristossa toimiva kaksikielinen perhejärjestö. "
            "Palvelut annetaan ensisijaisesti ruotsiksi, mutta apua saa myös suomeksi."
        ),
        "website": "https://skargardens-familjeforum.example.org/",
        "email": "info@skargardens-familjeforum.example.org",
        "phone": "+358 2 555 0202",
    },
    {
        "slug": "aurajoen-vanhemmuustuki",
        "name": "Aurajoen Vanhemmuustuki ry",
        "name_sv": "Föräldrastödet vid Aura å rf",
        "description": (
            "Turun seudulla toimiva yhdistys, joka tukee vanhemmuutta, parisuhdetta ja "
            "perheiden arkea keskusteluavun ja neuvonnan keinoin."
        ),
        "website": "https://aurajoen-vanhemmuustuki.example.org/",
        "email": "info@aurajoen-vanhemmuustuki.example.org",
        "phone": "+358 2 555 0303",
    },
    {
        "slug": "nuorten-tuulensuoja",
        "name": "Nuorten Tuulensuoja ry",
        "name_sv": "Ungdomens Vindskydd rf",
        "description": (
            "Nuorille ja nuorille aikuisille suunnattua keskusteluapua ja ohjausta tarjoava "
            "järjestö. Nuori voi ottaa yhteyttä myös itse ilman vanhempiaan."
        ),
        "website": "https://nuorten-tuulensuoja.example.org/",
        "email": "info@nuorten-tuulensuoja.example.org",
        "phone": "+358 2 555 0404",
    },
    {
        "slug": "vakka-suomen-erotuki",
        "name": "Vakka-Suomen Erotuki ry",
        "name_sv": "Vakka-Finlands Skilsmässostöd rf",
        "description": (
            "Eroa harkitsevien, eroavien ja eronneiden perheiden tukemiseen erikoistunut "
            "yhdistys. Työssä korostuu lapsen näkökulma erotilanteessa."
        ),
        "website": "https://vakka-suomen-erotuki.example.org/",
        "email": "info@vakka-suomen-erotuki.example.org",
        "phone": "+358 2 555 0505",
    },
    {
        "slug": "perhetalouden-tukiverkko",
        "name": "Perhetalouden Tukiverkko ry",
        "name_sv": "Stödnätverket för familjeekonomi rf",
        "description": (
            "Lapsiperheiden talous- ja velkaneuvontaa tarjoava yhdistys. Neuvonta on "
            "luottamuksellista ja maksutonta."
        ),
        "website": "https://perhetalouden-tukiverkko.example.org/",
        "email": "info@perhetalouden-tukiverkko.example.org",
        "phone": "+358 2 555 0606",
    },
    {
        "slug": "kotisatama",
        "name": "Kotisatama – monikulttuurinen perhetyö ry",
        "name_sv": "Hemhamnen – mångkulturellt familjearbete rf",
        "description": (
            "Maahan muuttaneiden perheiden arkea ja vanhemmuutta tukeva yhdistys. "
            "Tarvittaessa tapaamisiin järjestetään tulkki."
        ),
        "website": "https://kotisatama.example.org/",
        "email": "info@kotisatama.example.org",
        "phone": "+358 2 555 0707",
    },
    {
        "slug": "mielen-majakka",
        "name": "Mielen Majakka ry",
        "name_sv": "Sinnets Fyr rf",
        "description": (
            "Mielen hyvinvointia edistävä järjestö, joka tarjoaa keskusteluapua vanhemmille "
            "ja nuorille aikuisille sekä tukea perheille, joissa vanhemmalla on "
            "mielenterveyden haasteita."
        ),
        "website": "https://mielen-majakka.example.org/",
        "email": "info@mielen-majakka.example.org",
        "phone": "+358 2 555 0808",
    },
    {
        "slug": "selva-arki",
        "name": "Selvä Arki ry",
        "name_sv": "Klar Vardag rf",
        "description": (
            "Päihteiden ja rahapelaamisen vaikutuksia perheissä ehkäisevä ja lieventävä "
            "yhdistys. Tukea saavat sekä päihteitä käyttävät vanhemmat että heidän läheisensä."
        ),
        "website": "https://selva-arki.example.org/",
        "email": "info@selva-arki.example.org",
        "phone": "+358 2 555 0909",
    },
    {
        "slug": "rauhallinen-koti",
        "name": "Rauhallinen Koti ry",
        "name_sv": "Fridfullt Hem rf",
        "description": (
            "Lähisuhdeväkivaltaa ehkäisevä ja sitä kokeneita tukeva yhdistys. Palvelu ei "
            "korvaa lastensuojeluilmoitusta eikä hätänumeroa 112."
        ),
        "website": "https://rauhallinen-koti.example.org/",
        "email": "info@rauhallinen-koti.example.org",
        "phone": "+358 2 555 1010",
    },
    {
        "slug": "arjen-palapeli",
        "name": "Arjen Palapeli ry",
        "name_sv": "Vardagspusslet rf",
        "description": (
            "Neuropsykiatrista valmennusta ja ohjausta perheille, joissa lapsella tai nuorella "
            "on tarkkaavuuden, vuorovaikutuksen tai toiminnanohjauksen haasteita. Diagnoosia "
            "ei tarvita."
        ),
        "website": "https://arjen-palapeli.example.org/",
        "email": "info@arjen-palapeli.example.org",
        "phone": "+358 2 555 1111",
    },
    {
        "slug": "uusi-pesa",
        "name": "Uusi Pesä ry",
        "name_sv": "Nya Boet rf",
        "description": (
            "Sijais- ja adoptioperheiden yhdistys, joka tarjoaa keskusteluapua ja neuvontaa "
            "vanhemmille sekä sijoitetuille ja adoptoiduille lapsille ja nuorille."
        ),
        "website": "https://uusi-pesa.example.org/",
        "email": "info@uusi-pesa.example.org",
        "phone": "+358 2 555 1212",
    },
    {
        "slug": "tyyni-vesi",
        "name": "Tyyni Vesi ry",
        "name_sv": "Stilla Vatten rf",
        "description": (
            "Kriisi- ja surutyöhön sekä parisuhteen tukemiseen keskittyvä yhdistys. "
            "Kriisikeskusteluun pääsee yleensä muutaman päivän sisällä yhteydenotosta."
        ),
        "website": "https://tyyni-vesi.example.org/",
        "email": "info@tyyni-vesi.example.org",
        "phone": "+358 2 555 1313",
    },
]

# ---------------------------------------------------------------------------
# Service catalogue (41)
# ---------------------------------------------------------------------------

SERVICES = [
    # --- Lounaisrannikon Perhetuki ry --------------------------------------
    {
        "organization": "lounaisrannikon-perhetuki",
        "name_fi": "Vauvaperheen kotikäynnit",
        "name_sv": "Hembesök för bebisfamiljer",
        "name_en": "Home visits for families with babies",
        "description_fi": (
            "Perhetyöntekijä tulee kotiin tukemaan vauva-arkea, unirytmejä ja vanhemman "
            "jaksamista. Käyntejä sovitaan perheen tarpeen mukaan 1–6 kertaa."
        ),
        "description_sv": (
            "En familjearbetare kommer hem till er och stöder vardagen med bebisen, "
            "sömnrytmen och förälderns ork. Besöken planeras enligt familjens behov, 1–6 gånger."
        ),
        "description_en": (
            "A family worker visits your home to support everyday life with the baby, sleep "
            "routines and the parent's coping. One to six visits are planned as needed."
        ),
        "target_groups": ["families-with-babies", "parents"],
        "challenges": ["parenting", "parental-exhaustion", "loneliness"],
        "availability": "municipalities",
        "municipalities": ["895", "400", "631", "833", "304", "918", "503"],
        "modes": ["home_visit", "phone"],
        "languages": ["fi"],
    },
    {
        "organization": "lounaisrannikon-perhetuki",
        "name_fi": "Vanhemmuuden keskusteluapu",
        "name_sv": "Samtalsstöd i föräldraskapet",
        "name_en": "Counselling on parenting",
        "description_fi": (
            "Luottamuksellisia keskusteluja kasvatuksesta, rajoista ja perheen arjesta. "
            "Tapaamisia on tavallisesti 3–5, ja ne voidaan pitää vastaanotolla, puhelimessa "
            "tai videon välityksellä."
        ),
        "description_sv": (
            "Förtroliga samtal om fostran, gränser och familjens vardag. Vanligen 3–5 träffar "
            "på mottagningen, per telefon eller via video."
        ),
        "description_en": (
            "Confidential conversations about upbringing, boundaries and family life. Usually "
            "three to five sessions at a reception, by phone or by video."
        ),
        "target_groups": ["under-school-age", "school-age", "parents"],
        "challenges": ["parenting", "family-conflicts", "parental-exhaustion"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "phone", "video"],
        "languages": ["fi", "en"],
    },
    {
        "organization": "lounaisrannikon-perhetuki",
        "name_fi": "Perheohjaus arjen haasteisiin",
        "name_sv": "Familjehandledning för vardagens utmaningar",
        "name_en": "Family guidance for everyday challenges",
        "description_fi": (
            "Lyhytkestoista ohjausta arjen rutiineihin, ruutuaikaan ja perheen yhteisiin "
            "sääntöihin. Työntekijä tapaa perheen kotona tai vastaanotolla."
        ),
        "description_sv": (
            "Kortvarig handledning kring vardagsrutiner, skärmtid och familjens gemensamma "
            "regler. Arbetstagaren träffar familjen hemma eller på mottagningen."
        ),
        "description_en": (
            "Short-term guidance on daily routines, screen time and shared family rules. The "
            "worker meets the family at home or at a reception."
        ),
        "target_groups": ["under-school-age", "school-age"],
        "challenges": ["parenting", "digital-media", "parental-exhaustion"],
        "availability": "municipalities",
        "municipalities": ["895", "400"],
        "modes": ["home_visit", "reception"],
        "languages": ["fi"],
    },
    {
        "organization": "lounaisrannikon-perhetuki",
        "name_fi": "Puhelinneuvonta lapsiperheille",
        "name_sv": "Telefonrådgivning för barnfamiljer",
        "name_en": "Phone advice for families with children",
        "description_fi": (
            "Neuvontapuhelimeen voi soittaa nimettömänä kaikissa kasvatukseen, koulunkäyntiin "
            "ja pelaamiseen liittyvissä kysymyksissä. Tarvittaessa perhe ohjataan "
            "jatkotukeen."
        ),
        "description_sv": (
            "Till rådgivningstelefonen kan man ringa anonymt med alla frågor om fostran, "
            "skolgång och spelande. Vid behov hänvisas familjen till fortsatt stöd."
        ),
        "description_en": (
            "Parents can call the advice line anonymously with any question about upbringing, "
            "school or gaming. If needed, the family is guided to further support."
        ),
        "target_groups": ["parents", "school-age"],
        "challenges": ["parenting", "school-attendance", "digital-media"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone"],
        "languages": ["fi"],
    },
    # --- Skärgårdens Familjeforum rf ---------------------------------------
    {
        "organization": "skargardens-familjeforum",
        "name_fi": "Perheiden keskusteluapu Kemiönsaarella",
        "name_sv": "Samtalsstöd för familjer på Kimitoön",
        "name_en": "Counselling for families on Kimitoön",
        "description_fi": (
            "Keskusteluapua vanhemmuuteen, perheen ristiriitoihin ja parisuhteeseen. "
            "Tapaamiset järjestetään Kemiössä, Taalintehtaalla tai Västanfjärdissä, kotona tai "
            "etänä."
        ),
        "description_sv": (
            "Samtalsstöd i frågor om föräldraskap, konflikter i familjen och parförhållandet. "
            "Träffarna ordnas i Kimito, Dalsbruk eller Västanfjärd, hemma eller på distans."
        ),
        "description_en": (
            "Counselling on parenting, family conflicts and the couple relationship. Meetings "
            "take place in Kimito, Dalsbruk or Västanfjärd, at home or remotely."
        ),
        "target_groups": ["under-school-age", "school-age", "parents"],
        "challenges": [
            "parenting",
            "family-conflicts",
            "couple-relationship",
            "parental-exhaustion",
        ],
        "availability": "municipalities",
        "municipalities": ["322", "445"],
        "modes": ["reception", "home_visit", "phone", "video"],
        "languages": ["sv", "fi"],
    },
    {
        "organization": "skargardens-familjeforum",
        "name_fi": "Vauvaperheiden perheohjaus",
        "name_sv": "Familjehandledning för bebisfamiljer",
        "name_en": "Family guidance for families with babies",
        "description_fi": (
            "Kotikäyntejä ja puhelintukea vauvaperheille saaristossa. Ohjaus tukee vanhemman "
            "jaksamista ja auttaa löytämään muita perheitä lähialueelta."
        ),
        "description_sv": (
            "Hembesök och telefonstöd för bebisfamiljer i skärgården. Handledningen stöder "
            "förälderns ork och hjälper er att hitta andra familjer i närområdet."
        ),
        "description_en": (
            "Home visits and phone support for families with babies in the archipelago. The "
            "guidance supports parents' coping and helps them find other local families."
        ),
        "target_groups": ["families-with-babies"],
        "challenges": ["parenting", "parental-exhaustion", "loneliness"],
        "availability": "municipalities",
        "municipalities": ["322", "445"],
        "modes": ["home_visit", "phone"],
        "languages": ["sv", "fi"],
    },
    {
        "organization": "skargardens-familjeforum",
        "name_fi": "Keskusteluapu saariston nuorille",
        "name_sv": "Samtalsstöd för unga i skärgården",
        "name_en": "Counselling for young people in the archipelago",
        "description_fi": (
            "Nuori voi tulla juttelemaan mielialasta, yksinäisyydestä tai koulunkäynnistä. "
            "Tapaamisia järjestetään myös videon välityksellä, jos pitkät välimatkat "
            "hankaloittavat tapaamista."
        ),
        "description_sv": (
            "Den unga kan komma och prata om måendet, ensamhet eller skolgången. Samtal kan "
            "också ordnas via video om de långa avstånden gör det svårt att träffas."
        ),
        "description_en": (
            "Young people can come and talk about their mood, loneliness or school. Sessions "
            "can also be held by video when long distances make meeting difficult."
        ),
        "target_groups": ["young-people", "young-adults"],
        "challenges": ["mental-wellbeing", "loneliness", "school-attendance"],
        "availability": "municipalities",
        "municipalities": ["322", "445"],
        "modes": ["reception", "video", "phone"],
        "languages": ["sv", "fi"],
    },
    {
        "organization": "skargardens-familjeforum",
        "name_fi": "Ruotsinkielinen neuvonta puhelimitse ja videolla",
        "name_sv": "Rådgivning på svenska per telefon och video",
        "name_en": "Advice in Swedish by phone and video",
        "description_fi": (
            "Ruotsinkielistä neuvontaa perheille koko Varsinais-Suomessa muun muassa "
            "kasvatuksesta, erotilanteista, taloudesta ja kriiseistä."
        ),
        "description_sv": (
            "Rådgivning på svenska för familjer i hela Egentliga Finland, bland annat om "
            "fostran, separation, ekonomi och kriser."
        ),
        "description_en": (
            "Advice in Swedish for families across Southwest Finland, for example on "
            "upbringing, separation, finances and crises."
        ),
        "target_groups": ["parents", "separated-families"],
        "challenges": ["parenting", "divorce-separation", "finances-debt", "grief-crisis"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone", "video"],
        "languages": ["sv"],
    },
    # --- Aurajoen Vanhemmuustuki ry ----------------------------------------
    {
        "organization": "aurajoen-vanhemmuustuki",
        "name_fi": "Lapsiperheiden keskusteluapu Turun seudulla",
        "name_sv": "Samtalsstöd för barnfamiljer i Åboregionen",
        "name_en": "Counselling for families with children in the Turku area",
        "description_fi": (
            "Keskusteluapua perheille, joiden arki tuntuu kuormittavalta. Yhdessä työntekijän "
            "kanssa etsitään keinoja vuorovaikutuksen parantamiseen ja vanhemman jaksamiseen."
        ),
        "description_sv": (
            "Samtalsstöd för familjer vars vardag känns belastande. Tillsammans med en "
            "arbetstagare söker ni sätt att förbättra samspelet och förälderns ork."
        ),
        "description_en": (
            "Counselling for families whose everyday life feels overwhelming. Together with a "
            "worker you look for ways to improve interaction and the parent's coping."
        ),
        "target_groups": ["under-school-age", "school-age", "parents"],
        "challenges": ["parenting", "family-conflicts", "mental-wellbeing", "parental-exhaustion"],
        "availability": "municipalities",
        "municipalities": ["853", "202", "680", "529", "423"],
        "modes": ["reception", "phone", "video"],
        "languages": ["fi", "sv", "en"],
    },
    {
        "organization": "aurajoen-vanhemmuustuki",
        "name_fi": "Parisuhdeneuvonta",
        "name_sv": "Rådgivning för par",
        "name_en": "Relationship counselling",
        "description_fi": (
            "Pariskunnille, jotka haluavat vahvistaa parisuhdettaan tai selvittää "
            "ristiriitoja. Keskusteluihin voi tulla myös yksin."
        ),
        "description_sv": (
            "För par som vill stärka sitt förhållande eller reda ut konflikter. Man kan också "
            "komma ensam till samtalen."
        ),
        "description_en": (
            "For couples who want to strengthen their relationship or work through conflicts. "
            "You can also attend on your own."
        ),
        "target_groups": ["parents"],
        "challenges": ["couple-relationship", "family-conflicts", "divorce-separation"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "video"],
        "languages": ["fi", "en"],
    },
    {
        "organization": "aurajoen-vanhemmuustuki",
        "name_fi": "Englanninkielinen perheneuvonta",
        "name_sv": "Familjerådgivning på engelska",
        "name_en": "Family advice in English",
        "description_fi": (
            "Englanninkielistä neuvontaa vanhemmille, jotka ovat muuttaneet Suomeen esimerkiksi "
            "työn tai opiskelun vuoksi. Aiheina ovat kasvatus, yksinäisyys ja suomalaisen "
            "arjen käytännöt."
        ),
        "description_sv": (
            "Rådgivning på engelska för föräldrar som har flyttat till Finland till exempel "
            "för arbete eller studier. Teman är fostran, ensamhet och den finländska vardagen."
        ),
        "description_en": (
            "Advice in English for parents who have moved to Finland for work or study. Topics "
            "include parenting, loneliness and how everyday life works in Finland."
        ),
        "target_groups": ["immigrant-families", "parents"],
        "challenges": ["parenting", "loneliness", "integration"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video", "phone"],
        "languages": ["en"],
    },
    {
        "organization": "aurajoen-vanhemmuustuki",
        "name_fi": "Vauva-arjen keskusteluapu",
        "name_sv": "Samtalsstöd i vardagen med bebis",
        "name_en": "Counselling for new parents",
        "description_fi": (
            "Tukea vauvaperheen vanhemmille, kun arki, uni tai parisuhde tuntuvat raskailta. "
            "Tapaamiset voidaan pitää myös kotona."
        ),
        "description_sv": (
            "Stöd för föräldrar i bebisfamiljer när vardagen, sömnen eller parförhållandet "
            "känns tungt. Träffarna kan också ordnas hemma."
        ),
        "description_en": (
            "Support for parents of babies when everyday life, sleep or the relationship feel "
            "heavy. Meetings can also take place at home."
        ),
        "target_groups": ["families-with-babies"],
        "challenges": ["parenting", "parental-exhaustion", "couple-relationship"],
        "availability": "municipalities",
        "municipalities": ["853", "202", "680"],
        "modes": ["reception", "home_visit", "video"],
        "languages": ["fi", "sv"],
    },
    # --- Nuorten Tuulensuoja ry --------------------------------------------
    {
        "organization": "nuorten-tuulensuoja",
        "name_fi": "Nuorten videokeskustelut",
        "name_sv": "Videosamtal för unga",
        "name_en": "Video conversations for young people",
        "description_fi": (
            "Nuori voi varata ajan luottamukselliseen video- tai puhelinkeskusteluun "
            "ammattilaisen kanssa. Aiheena voi olla mikä tahansa mieltä painava asia."
        ),
        "description_sv": (
            "Den unga kan boka tid för ett förtroligt video- eller telefonsamtal med en "
            "yrkesperson. Man kan prata om vad som helst som tynger."
        ),
        "description_en": (
            "Young people can book a confidential video or phone conversation with a "
            "professional about anything that weighs on their mind."
        ),
        "target_groups": ["young-people", "young-adults"],
        "challenges": ["mental-wellbeing", "loneliness", "digital-media", "family-conflicts"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video", "phone"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "nuorten-tuulensuoja",
        "name_fi": "Koulupolku – tukea koulunkäyntiin",
        "name_sv": "Skolstigen – stöd för skolgången",
        "name_en": "School Path – support for school attendance",
        "description_fi": (
            "Ohjausta nuorille, joilla on paljon poissaoloja tai joiden koulunkäynti on "
            "katkolla. Työskentely tehdään yhdessä nuoren, huoltajan ja koulun kanssa."
        ),
        "description_sv": (
            "Handledning för unga med mycket frånvaro eller vars skolgång har avbrutits. "
            "Arbetet görs tillsammans med den unga, vårdnadshavaren och skolan."
        ),
        "description_en": (
            "Guidance for young people with many absences or whose schooling has stalled, "
            "working together with the young person, their guardian and the school."
        ),
        "target_groups": ["young-people", "school-age"],
        "challenges": ["school-attendance", "mental-wellbeing", "neuropsychiatric"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "video", "phone"],
        "languages": ["fi"],
    },
    {
        "organization": "nuorten-tuulensuoja",
        "name_fi": "Nuorten aikuisten ohjaus",
        "name_sv": "Handledning för unga vuxna",
        "name_en": "Guidance for young adults",
        "description_fi": (
            "Ohjausta itsenäistymisen vaiheeseen: asumiseen, raha-asioihin, opiskeluun ja "
            "arjen hallintaan. Keskusteluapua saa myös yksinäisyyteen."
        ),
        "description_sv": (
            "Handledning när man blir självständig: boende, pengar, studier och att klara "
            "vardagen. Man får också samtalsstöd vid ensamhet."
        ),
        "description_en": (
            "Guidance for the move to independent life: housing, money, studies and managing "
            "everyday life, as well as counselling for loneliness."
        ),
        "target_groups": ["young-adults"],
        "challenges": ["loneliness", "finances-debt", "mental-wellbeing"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "202", "680"],
        "modes": ["reception", "video"],
        "languages": ["fi", "en"],
    },
    # --- Vakka-Suomen Erotuki ry -------------------------------------------
    {
        "organization": "vakka-suomen-erotuki",
        "name_fi": "Eroneuvonta",
        "name_sv": "Skilsmässorådgivning",
        "name_en": "Separation counselling",
        "description_fi": (
            "Keskusteluapua eroa harkitseville, eroaville ja eronneille vanhemmille. Autamme "
            "käsittelemään eroa ja pitämään lapsen tarpeet keskiössä."
        ),
        "description_sv": (
            "Samtalsstöd för föräldrar som överväger skilsmässa, håller på att skiljas eller "
            "redan har skilt sig. Vi hjälper er att bearbeta separationen och sätta barnets "
            "behov i centrum."
        ),
        "description_en": (
            "Counselling for parents who are considering, going through or have gone through a "
            "separation, helping them process it and keep the child's needs at the centre."
        ),
        "target_groups": ["separated-families", "parents"],
        "challenges": ["divorce-separation", "family-conflicts", "grief-crisis"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "phone", "video"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "vakka-suomen-erotuki",
        "name_fi": "Lapsi erossa -keskustelut",
        "name_sv": "Samtal för barn i skilsmässofamiljer",
        "name_en": "Talks for children of separating parents",
        "description_fi": (
            "Lapsi tai nuori saa oman työntekijän, jonka kanssa voi puhua vanhempien erosta. "
            "Vanhemmat tapaavat työntekijää lisäksi yhdessä tai erikseen."
        ),
        "description_sv": (
            "Barnet eller den unga får en egen arbetstagare att prata med om föräldrarnas "
            "skilsmässa. Föräldrarna träffar dessutom arbetstagaren tillsammans eller var för sig."
        ),
        "description_en": (
            "The child or young person gets their own worker to talk to about the parents' "
            "separation. The parents also meet the worker together or separately."
        ),
        "target_groups": ["school-age", "separated-families"],
        "challenges": ["divorce-separation", "mental-wellbeing"],
        "availability": "municipalities",
        "municipalities": ["895", "400", "631", "833", "503"],
        "modes": ["reception", "home_visit"],
        "languages": ["fi"],
    },
    {
        "organization": "vakka-suomen-erotuki",
        "name_fi": "Yhteisvanhemmuuden ohjaus verkossa",
        "name_sv": "Handledning i samföräldraskap på nätet",
        "name_en": "Online co-parenting guidance",
        "description_fi": (
            "Videotapaamisia eronneille vanhemmille, jotka haluavat sopia lasten asioista "
            "rakentavammin. Tapaamisiin voi osallistua eri paikoista."
        ),
        "description_sv": (
            "Videoträffar för separerade föräldrar som vill komma överens om barnens frågor på "
            "ett mer konstruktivt sätt. Föräldrarna kan delta från olika platser."
        ),
        "description_en": (
            "Video sessions for separated parents who want to agree on their children's matters "
            "more constructively. Parents can join from different locations."
        ),
        "target_groups": ["separated-families"],
        "challenges": ["divorce-separation", "family-conflicts", "parenting"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video"],
        "languages": ["fi", "sv", "en"],
    },
    # --- Perhetalouden Tukiverkko ry ---------------------------------------
    {
        "organization": "perhetalouden-tukiverkko",
        "name_fi": "Perheiden talousneuvonta",
        "name_sv": "Ekonomisk rådgivning för familjer",
        "name_en": "Financial advice for families",
        "description_fi": (
            "Neuvontaa budjetointiin, laskujen maksamiseen, etuuksien hakemiseen ja velkojen "
            "järjestelyyn. Tarvittaessa ohjaamme kunnan talous- ja velkaneuvontaan."
        ),
        "description_sv": (
            "Rådgivning om budget, betalning av räkningar, ansökan om förmåner och ordnande av "
            "skulder. Vid behov hänvisar vi vidare till den offentliga ekonomi- och "
            "skuldrådgivningen."
        ),
        "description_en": (
            "Advice on budgeting, paying bills, applying for benefits and arranging debts. If "
            "needed, we refer families to public financial and debt counselling."
        ),
        "target_groups": ["parents"],
        "challenges": ["finances-debt"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone", "video"],
        "languages": ["fi", "sv", "en"],
    },
    {
        "organization": "perhetalouden-tukiverkko",
        "name_fi": "Talousohjaus kotona",
        "name_sv": "Ekonomisk handledning i hemmet",
        "name_en": "Home-based financial guidance",
        "description_fi": (
            "Työntekijä käy paperit läpi perheen kanssa kotona tai vastaanotolla ja auttaa "
            "laatimaan realistisen kuukausibudjetin."
        ),
        "description_sv": (
            "Arbetstagaren går igenom pappren med familjen hemma eller på mottagningen och "
            "hjälper till att göra upp en realistisk månadsbudget."
        ),
        "description_en": (
            "The worker goes through the paperwork with the family at home or at a reception "
            "and helps draw up a realistic monthly budget."
        ),
        "target_groups": ["parents", "separated-families"],
        "challenges": ["finances-debt", "parental-exhaustion"],
        "availability": "municipalities",
        "municipalities": ["895", "400", "853", "202", "680"],
        "modes": ["home_visit", "reception"],
        "languages": ["fi"],
    },
    {
        "organization": "perhetalouden-tukiverkko",
        "name_fi": "Nuorten raha-asiat",
        "name_sv": "Ungas penningärenden",
        "name_en": "Money matters for young people",
        "description_fi": (
            "Nuorille ja nuorille aikuisille neuvontaa omaan rahankäyttöön, pelien "
            "sisäisiin ostoksiin ja pikavippeihin."
        ),
        "description_sv": (
            "Rådgivning för unga och unga vuxna om den egna penninganvändningen, köp i spel "
            "och snabblån."
        ),
        "description_en": (
            "Advice for young people and young adults on managing their own money, in-game "
            "purchases and payday loans."
        ),
        "target_groups": ["young-people", "young-adults"],
        "challenges": ["finances-debt", "digital-media"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video", "phone"],
        "languages": ["fi", "en"],
    },
    # --- Kotisatama ry -----------------------------------------------------
    {
        "organization": "kotisatama",
        "name_fi": "Monikielinen perheneuvonta",
        "name_sv": "Flerspråkig familjerådgivning",
        "name_en": "Multilingual family advice",
        "description_fi": (
            "Neuvontaa kasvatukseen ja suomalaisen arjen käytäntöihin selkosuomeksi tai "
            "englanniksi. Muille kielille tilataan tulkki."
        ),
        "description_sv": (
            "Rådgivning om fostran och den finländska vardagen på lättläst finska eller "
            "engelska. För andra språk beställs en tolk."
        ),
        "description_en": (
            "Advice on parenting and everyday life in Finland in plain Finnish or English. An "
            "interpreter is booked for other languages."
        ),
        "target_groups": ["immigrant-families"],
        "challenges": ["integration", "parenting", "loneliness"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "202", "680", "734"],
        "modes": ["reception", "phone", "video"],
        "languages": ["fi", "en"],
    },
    {
        "organization": "kotisatama",
        "name_fi": "Kotoutuvan perheen arjen ohjaus",
        "name_sv": "Vardagshandledning för nyanlända familjer",
        "name_en": "Everyday guidance for newly arrived families",
        "description_fi": (
            "Ohjausta koulun, varhaiskasvatuksen, asumisen ja talouden käytäntöihin. "
            "Työntekijä voi tulla kotiin tai tavata perheen vastaanotolla."
        ),
        "description_sv": (
            "Handledning kring skola, småbarnspedagogik, boende och ekonomi. Arbetstagaren kan "
            "komma hem till familjen eller träffa den på mottagningen."
        ),
        "description_en": (
            "Guidance on school, early childhood education, housing and money matters. The "
            "worker can visit the home or meet the family at a reception."
        ),
        "target_groups": ["immigrant-families", "families-with-babies"],
        "challenges": ["integration", "finances-debt", "school-attendance"],
        "availability": "region",
        "municipalities": [],
        "modes": ["home_visit", "reception"],
        "languages": ["fi", "en"],
    },
    {
        "organization": "kotisatama",
        "name_fi": "Vanhemmuus kahden kulttuurin välissä",
        "name_sv": "Föräldraskap mellan två kulturer",
        "name_en": "Parenting between two cultures",
        "description_fi": (
            "Keskusteluapua vanhemmille, kun perheen ja ympäröivän yhteiskunnan tavat "
            "kasvattaa lapsia poikkeavat toisistaan. Aiheina esimerkiksi rajat, "
            "nuorten vapaa-aika ja älylaitteet."
        ),
        "description_sv": (
            "Samtalsstöd för föräldrar när familjens och omgivningens sätt att fostra barn "
            "skiljer sig åt. Teman är till exempel gränser, ungas fritid och smarta enheter."
        ),
        "description_en": (
            "Counselling for parents when their family's ways of raising children differ from "
            "those around them, for example on boundaries, teenagers' free time and devices."
        ),
        "target_groups": ["immigrant-families", "parents"],
        "challenges": ["parenting", "family-conflicts", "digital-media"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video", "phone"],
        "languages": ["fi", "en"],
    },
    # --- Mielen Majakka ry -------------------------------------------------
    {
        "organization": "mielen-majakka",
        "name_fi": "Keskusteluapu vanhemman mielen hyvinvointiin",
        "name_sv": "Samtalsstöd för förälderns psykiska välbefinnande",
        "name_en": "Counselling for parents' mental wellbeing",
        "description_fi": (
            "Lyhytkestoista keskusteluapua vanhemmille, jotka kokevat ahdistusta, "
            "alakuloisuutta tai yksinäisyyttä. Ei vaadi lähetettä tai diagnoosia."
        ),
        "description_sv": (
            "Kortvarigt samtalsstöd för föräldrar som upplever ångest, nedstämdhet eller "
            "ensamhet. Ingen remiss eller diagnos behövs."
        ),
        "description_en": (
            "Short-term counselling for parents experiencing anxiety, low mood or loneliness. "
            "No referral or diagnosis is required."
        ),
        "target_groups": ["parents"],
        "challenges": ["mental-wellbeing", "parental-exhaustion", "loneliness"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "video", "phone"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "mielen-majakka",
        "name_fi": "Illan kuuntelija -puhelinpalvelu",
        "name_sv": "Kvällslyssnaren – telefontjänst",
        "name_en": "Evening Listener phone line",
        "description_fi": (
            "Iltaisin päivystävä puhelinpalvelu, johon voi soittaa, kun mieltä painaa tai "
            "tarvitsee jonkun kuuntelemaan. Koulutetut työntekijät vastaavat suomeksi ja ruotsiksi."
        ),
        "description_sv": (
            "En telefontjänst på kvällarna dit man kan ringa när något tynger eller man behöver "
            "någon som lyssnar. Utbildade arbetstagare svarar på finska och svenska."
        ),
        "description_en": (
            "An evening phone line to call when something weighs on your mind or you need "
            "someone to listen. Trained workers answer in Finnish and Swedish."
        ),
        "target_groups": ["parents", "young-adults"],
        "challenges": ["loneliness", "mental-wellbeing", "grief-crisis"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "mielen-majakka",
        "name_fi": "Vanhemman mielenterveys ja lapsi",
        "name_sv": "Förälderns psykiska hälsa och barnet",
        "name_en": "Parental mental health and the child",
        "description_fi": (
            "Tukea perheille, joissa vanhemmalla on mielenterveyden haasteita. Keskusteluissa "
            "mietitään, miten asiasta puhutaan lapsen kanssa ja mikä suojaa lapsen hyvinvointia."
        ),
        "description_sv": (
            "Stöd för familjer där en förälder har psykisk ohälsa. I samtalen funderar man på "
            "hur man kan prata med barnet och vad som skyddar barnets välbefinnande."
        ),
        "description_en": (
            "Support for families where a parent has mental health difficulties: how to talk "
            "about it with the child and what protects the child's wellbeing."
        ),
        "target_groups": ["school-age", "under-school-age"],
        "challenges": ["mental-wellbeing", "parenting"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "322"],
        "modes": ["reception", "home_visit", "video"],
        "languages": ["fi", "sv"],
    },
    # --- Selvä Arki ry -----------------------------------------------------
    {
        "organization": "selva-arki",
        "name_fi": "Päihdeneuvonta lapsiperheille",
        "name_sv": "Rusmedelsrådgivning för barnfamiljer",
        "name_en": "Substance-use advice for families with children",
        "description_fi": (
            "Luottamuksellista neuvontaa vanhemmille, jotka ovat huolissaan omasta tai "
            "puolisonsa päihteiden käytöstä. Keskusteluissa huomioidaan lasten näkökulma."
        ),
        "description_sv": (
            "Förtrolig rådgivning för föräldrar som är oroliga över sitt eget eller partnerns "
            "bruk av rusmedel. I samtalen beaktas barnens perspektiv."
        ),
        "description_en": (
            "Confidential advice for parents worried about their own or their partner's "
            "substance use, with the children's perspective taken into account."
        ),
        "target_groups": ["parents"],
        "challenges": ["substance-use", "family-conflicts"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "phone", "video"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "selva-arki",
        "name_fi": "Läheisten keskusteluapu",
        "name_sv": "Samtalsstöd för anhöriga",
        "name_en": "Counselling for family members",
        "description_fi": (
            "Tukea läheisille, joiden perheenjäsen käyttää päihteitä tai pelaa rahapelejä. "
            "Läheinen voi hakea apua, vaikka päihteitä käyttävä ei itse olisi valmis muutokseen."
        ),
        "description_sv": (
            "Stöd för anhöriga vars familjemedlem använder rusmedel eller spelar om pengar. "
            "Den anhöriga kan söka hjälp även om den som använder rusmedel inte själv är redo "
            "för en förändring."
        ),
        "description_en": (
            "Support for people whose family member uses substances or gambles. You can seek "
            "help even if the person using substances is not ready to change."
        ),
        "target_groups": ["parents", "young-adults"],
        "challenges": ["substance-use", "mental-wellbeing"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone", "video"],
        "languages": ["fi", "sv", "en"],
    },
    {
        "organization": "selva-arki",
        "name_fi": "Nuorten päihde- ja peliohjaus",
        "name_sv": "Handledning för unga om rusmedel och spelande",
        "name_en": "Guidance for young people on substances and gaming",
        "description_fi": (
            "Ohjausta nuorille, jotka haluavat vähentää päihteiden käyttöä tai pelaamista. "
            "Huoltaja voi osallistua tapaamisiin nuoren niin halutessa."
        ),
        "description_sv": (
            "Handledning för unga som vill minska sitt bruk av rusmedel eller sitt spelande. "
            "Vårdnadshavaren kan delta i träffarna om den unga vill det."
        ),
        "description_en": (
            "Guidance for young people who want to cut down on substances or gaming. A "
            "guardian can join the sessions if the young person wishes."
        ),
        "target_groups": ["young-people"],
        "challenges": ["substance-use", "digital-media"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "680", "202"],
        "modes": ["reception", "video", "phone"],
        "languages": ["fi"],
    },
    # --- Rauhallinen Koti ry -----------------------------------------------
    {
        "organization": "rauhallinen-koti",
        "name_fi": "Keskusteluapu väkivaltaa kokeneille vanhemmille",
        "name_sv": "Samtalsstöd för föräldrar som har upplevt våld",
        "name_en": "Counselling for parents who have experienced violence",
        "description_fi": (
            "Keskusteluapua ja turvallisuussuunnittelua lähisuhdeväkivaltaa kokeneille. "
            "Akuutissa vaaratilanteessa soita 112. Palvelu ei korvaa lastensuojeluilmoitusta."
        ),
        "description_sv": (
            "Samtalsstöd och säkerhetsplanering för den som har upplevt våld i en nära "
            "relation. Ring 112 vid akut fara. Tjänsten ersätter inte en barnskyddsanmälan."
        ),
        "description_en": (
            "Counselling and safety planning for people who have experienced intimate partner "
            "violence. Call 112 in acute danger. This service does not replace a "
            "child-protection report."
        ),
        "target_groups": ["parents"],
        "challenges": ["violence-at-home", "couple-relationship", "grief-crisis"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "phone", "video"],
        "languages": ["fi", "sv", "en"],
    },
    {
        "organization": "rauhallinen-koti",
        "name_fi": "Riidat hallintaan – ohjaus perheille",
        "name_sv": "Hantera gräl – handledning för familjer",
        "name_en": "Managing conflicts – guidance for families",
        "description_fi": (
            "Ohjausta perheille, joissa riidat kärjistyvät toistuvasti. Harjoittelemme keinoja "
            "rauhoittumiseen ja sopimiseen ennen kuin tilanne muuttuu uhkaavaksi."
        ),
        "description_sv": (
            "Handledning för familjer där gräl upprepade gånger trappas upp. Vi övar sätt att "
            "lugna ner sig och komma överens innan situationen blir hotfull."
        ),
        "description_en": (
            "Guidance for families where arguments repeatedly escalate. We practise ways to calm "
            "down and make up before the situation becomes threatening."
        ),
        "target_groups": ["school-age", "young-people", "parents"],
        "challenges": ["family-conflicts", "violence-at-home", "parenting"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "322", "202", "680"],
        "modes": ["reception", "home_visit"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "rauhallinen-koti",
        "name_fi": "Neuvontaa väkivallan lopettamiseen",
        "name_sv": "Rådgivning för att sluta använda våld",
        "name_en": "Advice for stopping the use of violence",
        "description_fi": (
            "Luottamuksellista neuvontaa vanhemmille, jotka ovat huolissaan omasta "
            "käytöksestään ja haluavat lopettaa väkivallan tai uhkailun."
        ),
        "description_sv": (
            "Förtrolig rådgivning för föräldrar som är oroliga över sitt eget beteende och "
            "vill sluta använda våld eller hot."
        ),
        "description_en": (
            "Confidential advice for parents who are worried about their own behaviour and want "
            "to stop using violence or threats."
        ),
        "target_groups": ["parents"],
        "challenges": ["violence-at-home", "family-conflicts"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone", "video"],
        "languages": ["fi", "en"],
    },
    # --- Arjen Palapeli ry -------------------------------------------------
    {
        "organization": "arjen-palapeli",
        "name_fi": "Neuropsykiatrinen valmennus perheille",
        "name_sv": "Neuropsykiatrisk coachning för familjer",
        "name_en": "Neuropsychiatric coaching for families",
        "description_fi": (
            "Valmentaja auttaa perhettä löytämään toimivia keinoja arjen rutiineihin, "
            "siirtymätilanteisiin ja koulunkäyntiin. Diagnoosia ei tarvita."
        ),
        "description_sv": (
            "En coach hjälper familjen att hitta fungerande sätt för vardagsrutiner, "
            "övergångar och skolgång. Ingen diagnos behövs."
        ),
        "description_en": (
            "A coach helps the family find workable approaches to daily routines, transitions "
            "and school. No diagnosis is needed."
        ),
        "target_groups": ["school-age", "under-school-age"],
        "challenges": ["neuropsychiatric", "school-attendance", "parenting"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "322", "202", "680", "734"],
        "modes": ["reception", "home_visit", "video"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "arjen-palapeli",
        "name_fi": "Nepsy-arjen neuvontapuhelin vanhemmille",
        "name_sv": "Rådgivningstelefon för föräldrar i npf-vardagen",
        "name_en": "Advice line for parents of neurodivergent children",
        "description_fi": (
            "Puhelinneuvontaa vanhemmille, joiden lapsella on tai epäillään olevan "
            "neuropsykiatrisia haasteita. Neuvontaa saa myös tutkimusjonon aikana."
        ),
        "description_sv": (
            "Telefonrådgivning för föräldrar vars barn har eller misstänks ha "
            "neuropsykiatriska utmaningar. Rådgivning ges också medan man väntar på utredning."
        ),
        "description_en": (
            "Phone advice for parents whose child has or may have neuropsychiatric challenges, "
            "also while waiting for an assessment."
        ),
        "target_groups": ["parents"],
        "challenges": ["neuropsychiatric", "parental-exhaustion"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["phone"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "arjen-palapeli",
        "name_fi": "Kouluun paluun tuki",
        "name_sv": "Stöd för återgång till skolan",
        "name_en": "Support for returning to school",
        "description_fi": (
            "Porrastettua tukea lapsille ja nuorille, jotka ovat jääneet pois koulusta. "
            "Työskentely alkaa kotikäynneillä ja etenee yhteistyössä koulun kanssa."
        ),
        "description_sv": (
            "Stegvis stöd för barn och unga som har slutat gå till skolan. Arbetet börjar med "
            "hembesök och fortsätter i samarbete med skolan."
        ),
        "description_en": (
            "Step-by-step support for children and young people who have stopped attending "
            "school, starting with home visits and continuing together with the school."
        ),
        "target_groups": ["school-age", "young-people"],
        "challenges": ["school-attendance", "neuropsychiatric", "mental-wellbeing"],
        "availability": "region",
        "municipalities": [],
        "modes": ["home_visit", "reception", "video"],
        "languages": ["fi"],
    },
    # --- Uusi Pesä ry ------------------------------------------------------
    {
        "organization": "uusi-pesa",
        "name_fi": "Sijais- ja adoptioperheiden keskusteluapu",
        "name_sv": "Samtalsstöd för familjehem och adoptivfamiljer",
        "name_en": "Counselling for foster and adoptive families",
        "description_fi": (
            "Keskusteluapua kiintymyssuhteen, tunteiden säätelyn ja arjen haasteisiin "
            "sijais- ja adoptioperheissä. Tapaamisia järjestetään eri puolilla maakuntaa."
        ),
        "description_sv": (
            "Samtalsstöd i frågor om anknytning, känsloreglering och vardagens utmaningar i "
            "familjehem och adoptivfamiljer. Träffar ordnas på olika håll i landskapet."
        ),
        "description_en": (
            "Counselling on attachment, emotional regulation and everyday challenges in foster "
            "and adoptive families, with meetings held across the region."
        ),
        "target_groups": ["foster-adoptive-families"],
        "challenges": ["parenting", "family-conflicts", "grief-crisis"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "video", "phone"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "uusi-pesa",
        "name_fi": "Neuvonta lapsen taustaan liittyvissä kysymyksissä",
        "name_sv": "Rådgivning i frågor om barnets bakgrund",
        "name_en": "Advice on questions about the child's background",
        "description_fi": (
            "Neuvontaa vanhemmille ja nuorille, kun lapsen tausta, syntymäperhe tai "
            "juurien etsiminen herättää kysymyksiä."
        ),
        "description_sv": (
            "Rådgivning för föräldrar och unga när barnets bakgrund, ursprungsfamilj eller "
            "sökandet efter rötterna väcker frågor."
        ),
        "description_en": (
            "Advice for parents and young people when the child's background, birth family or "
            "search for roots raises questions."
        ),
        "target_groups": ["foster-adoptive-families", "young-people"],
        "challenges": ["grief-crisis", "mental-wellbeing", "parenting"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video"],
        "languages": ["fi", "sv", "en"],
    },
    # --- Tyyni Vesi ry -----------------------------------------------------
    {
        "organization": "tyyni-vesi",
        "name_fi": "Kriisikeskusteluapu perheille",
        "name_sv": "Krissamtal för familjer",
        "name_en": "Crisis counselling for families",
        "description_fi": (
            "Nopeaa keskusteluapua äkillisen kriisin, kuten onnettomuuden, vakavan sairauden "
            "tai läheisen kuoleman jälkeen. Tapaaminen voidaan järjestää myös kotona."
        ),
        "description_sv": (
            "Snabbt samtalsstöd efter en plötslig kris, till exempel en olycka, en allvarlig "
            "sjukdom eller en närståendes död. Träffen kan också ordnas hemma."
        ),
        "description_en": (
            "Prompt counselling after a sudden crisis such as an accident, serious illness or "
            "the death of a loved one. Meetings can also take place at home."
        ),
        "target_groups": ["parents", "school-age"],
        "challenges": ["grief-crisis", "mental-wellbeing"],
        "availability": "region",
        "municipalities": [],
        "modes": ["reception", "phone", "video", "home_visit"],
        "languages": ["fi", "sv", "en"],
    },
    {
        "organization": "tyyni-vesi",
        "name_fi": "Surevan perheen tuki",
        "name_sv": "Stöd för familjer i sorg",
        "name_en": "Support for grieving families",
        "description_fi": (
            "Pidempikestoista tukea perheille, joissa lapsi on menettänyt vanhemman, "
            "sisaruksen tai muun läheisen. Työntekijä tapaa sekä vanhempia että lapsia."
        ),
        "description_sv": (
            "Mer långvarigt stöd för familjer där ett barn har förlorat en förälder, ett syskon "
            "eller någon annan närstående. Arbetstagaren träffar både föräldrar och barn."
        ),
        "description_en": (
            "Longer-term support for families where a child has lost a parent, sibling or other "
            "loved one. The worker meets both parents and children."
        ),
        "target_groups": ["under-school-age", "school-age", "parents"],
        "challenges": ["grief-crisis"],
        "availability": "municipalities",
        "municipalities": ["853", "895", "400", "322", "202", "529"],
        "modes": ["reception", "home_visit"],
        "languages": ["fi", "sv"],
    },
    {
        "organization": "tyyni-vesi",
        "name_fi": "Parisuhteen keskusteluapu verkossa",
        "name_sv": "Samtalsstöd för par på nätet",
        "name_en": "Online counselling for couples",
        "description_fi": (
            "Videotapaamisia pariskunnille, joiden arjessa on paljon riitoja tai etäisyyttä. "
            "Tapaamiset sopivat myös eroa harkitseville."
        ),
        "description_sv": (
            "Videoträffar för par vars vardag präglas av gräl eller avstånd. Träffarna passar "
            "också par som överväger att skiljas."
        ),
        "description_en": (
            "Video sessions for couples whose everyday life involves frequent arguments or "
            "distance, also suitable for couples considering separation."
        ),
        "target_groups": ["parents"],
        "challenges": ["couple-relationship", "divorce-separation", "family-conflicts"],
        "availability": "digital",
        "municipalities": [],
        "modes": ["video"],
        "languages": ["fi", "sv"],
    },
]

# ---------------------------------------------------------------------------
# Reception sites (12): three in each pilot municipality
# ---------------------------------------------------------------------------

RECEPTION_SITES = [
    # Turku
    {
        "municipality": "853",
        "name": "Kaislarannan perhetila",
        "address": "Kaislarannankatu 8, 20100 Turku",
        "notes": "Esteetön sisäänkäynti pihan puolelta. Lastenvaunuille on säilytystila aulassa.",
    },
    {
        "municipality": "853",
        "name": "Itäharjun kohtaamispaikka",
        "address": "Kaarnakuja 3 A, 20700 Turku",
        "notes": "Toisen kerroksen neuvotteluhuone, hissi käytettävissä. Bussipysäkki talon edessä.",
    },
    {
        "municipality": "853",
        "name": "Pihlajamäen lähikirjaston ryhmätila",
        "address": "Pihlajamäenraitti 12, 20360 Turku",
        "notes": "Ryhmätila kirjaston takaosassa. Varaa aika etukäteen, sillä tila on käytössä vain tiistaisin ja torstaisin.",
    },
    # Uusikaupunki
    {
        "municipality": "895",
        "name": "Kaupunginkirjaston Lukusoppi",
        "address": "Kirjastonkuja 3, 23500 Uusikaupunki",
        "notes": "Rauhallinen huone lastenosaston vieressä. Maksuton pysäköinti kirjaston pihalla.",
    },
    {
        "municipality": "895",
        "name": "Perhetila Merituuli",
        "address": "Satamanrinne 6, 23500 Uusikaupunki",
        "notes": "Katutason tila, esteetön. Leikkinurkkaus sisaruksille.",
    },
    {
        "municipality": "895",
        "name": "Kalannin seurakuntakodin kerhohuone",
        "address": "Kirkkomäentie 21, 23600 Kalanti",
        "notes": "Sisäänkäynti sivuovesta. Vastaanotto joka toinen keskiviikko.",
    },
    # Laitila
    {
        "municipality": "400",
        "name": "Laitilan kirjaston neuvotteluhuone",
        "address": "Kirjastotie 4, 23800 Laitila",
        "notes": "Huone kirjaston toisessa kerroksessa, hissi käytettävissä.",
    },
    {
        "municipality": "400",
        "name": "Perhetila Kotikulma",
        "address": "Myllypuronkatu 2, 23800 Laitila",
        "notes": "Kerrostalon kivijalkatila keskustassa. Ovikello oven oikealla puolella.",
    },
    {
        "municipality": "400",
        "name": "Untamalan kylätalo",
        "address": "Untamalantie 112, 23800 Laitila",
        "notes": "Vastaanotto kuukauden ensimmäisenä maanantaina. Pysäköinti talon edessä.",
    },
    # Kemiönsaari / Kimitoön
    {
        "municipality": "322",
        "name": "Familjerummet i Kimito",
        "address": "Skolbacken 4, 25700 Kimito",
        "notes": "Ingång från gården, tillgängligt för rullstol. Mottagning på svenska och finska.",
    },
    {
        "municipality": "322",
        "name": "Dalsbruks bibliotek, mötesrummet",
        "address": "Strandvägen 11, 25900 Dalsbruk",
        "notes": "Mötesrummet finns bakom barnavdelningen. Parkering vid biblioteket.",
    },
    {
        "municipality": "322",
        "name": "Västanfjärds församlingshem",
        "address": "Kyrkvägen 7, 25830 Västanfjärd",
        "notes": "Mottagning varannan torsdag. Ring på dörrklockan vid huvudingången.",
    },
]

# ---------------------------------------------------------------------------
# Fictional families (64): 16 in each pilot municipality
# ---------------------------------------------------------------------------

FAMILIES = [
    # --- Turku (853) --------------------------------------------------------
    {
        "contact_name": "Sanna Lehtonen",
        "phone": "+358 40 000 0101",
        "email": "sanna.lehtonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2025],
        "municipality": "853",
        "target_group": "families-with-babies",
        "challenges": ["parental-exhaustion", "parenting"],
        "description": (
            "Äiti kertoo neuvolassa väsymyksestä ja vauvan katkonaisista unista. Puoliso tekee "
            "vuorotyötä, eikä lähellä ole tukiverkostoa. Äiti toivoo keskusteluapua ja "
            "käytännön vinkkejä vauva-arkeen."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "phone"],
        "preferred_times": "arkiaamupäivät",
    },
    {
        "contact_name": "Ahmed Al-Hassan",
        "phone": "+358 40 000 0102",
        "email": "",
        "language": "other",
        "language_other": "arabia",
        "interpreter_needed": True,
        "children_birth_years": [2014, 2017, 2021],
        "municipality": "853",
        "target_group": "immigrant-families",
        "challenges": ["integration", "school-attendance"],
        "description": (
            "Perhe muutti Suomeen vuosi sitten. Vanhemmat toivovat ohjausta koulun käytäntöihin "
            "ja arjen asioihin sekä tukea vanhimman lapsen koulunkäyntiin. Arabian kielen "
            "tulkki tarvitaan."
        ),
        "giver": "guardian",
        "modes": ["reception"],
        "preferred_times": "arkipäivät klo 10–14",
    },
    {
        "contact_name": "Mikko Salonen",
        "phone": "+358 40 000 0103",
        "email": "mikko.salonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2013, 2016],
        "municipality": "853",
        "target_group": "separated-families",
        "challenges": ["divorce-separation", "family-conflicts"],
        "description": (
            "Vanhemmat erosivat keväällä. Lasten tapaamisista sopiminen aiheuttaa toistuvia "
            "riitoja, ja isä toivoo tukea yhteistyöhön lasten äidin kanssa."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "arki-illat klo 17 jälkeen",
    },
    {
        "contact_name": "Emilia Nieminen",
        "phone": "+358 40 000 0104",
        "email": "",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2010],
        "municipality": "853",
        "target_group": "young-people",
        "challenges": ["loneliness", "mental-wellbeing"],
        "description": (
            "Nuori kertoo kokevansa olonsa yksinäiseksi uudessa koulussa ja toivoo "
            "mahdollisuutta jutella aikuisen kanssa. Nuori on itse antanut luvan "
            "yhteydenottoon."
        ),
        "giver": "young_person",
        "modes": ["video", "phone"],
        "preferred_times": "koulupäivien jälkeen klo 15–18",
    },
    {
        "contact_name": "Jennifer Clarke",
        "phone": "+358 40 000 0105",
        "email": "jennifer.clarke@example.invalid",
        "language": "en",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2018, 2021],
        "municipality": "853",
        "target_group": "immigrant-families",
        "challenges": ["loneliness", "parenting"],
        "description": (
            "The family moved to Turku for work two years ago. The mother feels isolated at home "
            "and would like to talk about parenting and building a social network."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "weekday mornings",
    },
    {
        "contact_name": "Hanna Koskinen",
        "phone": "+358 40 000 0106",
        "email": "hanna.koskinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2011, 2015, 2019],
        "municipality": "853",
        "target_group": "school-age",
        "challenges": ["neuropsychiatric", "school-attendance"],
        "description": (
            "Perheen keskimmäisellä lapsella on ADHD-diagnoosi. Aamut ja koulupäivät ovat "
            "haastavia, ja vanhemmat toivovat käytännön keinoja arjen sujumiseen."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "video"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Oksana Kovalenko",
        "phone": "+358 40 000 0107",
        "email": "oksana.kovalenko@example.invalid",
        "language": "other",
        "language_other": "ukraina",
        "interpreter_needed": True,
        "children_birth_years": [2016, 2020],
        "municipality": "853",
        "target_group": "immigrant-families",
        "challenges": ["grief-crisis", "mental-wellbeing"],
        "description": (
            "Äiti ja kaksi lasta ovat tulleet Suomeen Ukrainasta. Äiti kertoo huolestaan lasten "
            "nukkumisesta ja omasta jaksamisestaan. Äiti puhuu jonkin verran englantia, mutta "
            "toivoo tapaamisiin ukrainan kielen tulkkia."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arkipäivät klo 9–13",
    },
    {
        "contact_name": "Petra Lindqvist",
        "phone": "+358 40 000 0108",
        "email": "petra.lindqvist@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2017, 2020],
        "municipality": "853",
        "target_group": "school-age",
        "challenges": ["digital-media", "parenting"],
        "description": (
            "Föräldrarna upplever att skärmtiden har blivit en källa till dagliga konflikter. "
            "De önskar rådgivning om hur man kan sätta gränser för barnens spelande."
        ),
        "giver": "guardian",
        "modes": ["video", "phone"],
        "preferred_times": "vardagskvällar",
    },
    {
        "contact_name": "Juha Mäkelä",
        "phone": "+358 40 000 0109",
        "email": "juha.makela@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2011],
        "municipality": "853",
        "target_group": "young-people",
        "challenges": ["substance-use", "family-conflicts"],
        "description": (
            "Isä on huolissaan nuoren alkoholinkäytöstä viikonloppuisin ja kotona "
            "lisääntyneistä riidoista. Isä toivoo neuvontaa siihen, miten asiaan voi puuttua."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Liisa Heinonen",
        "phone": "+358 40 000 0110",
        "email": "liisa.heinonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2009, 2013],
        "municipality": "853",
        "target_group": "parents",
        "challenges": ["couple-relationship", "parental-exhaustion"],
        "description": (
            "Vanhemmat kokevat, että parisuhde on jäänyt arjen kiireiden alle ja keskustelut "
            "kärjistyvät helposti. He toivovat yhteistä keskusteluapua."
        ),
        "giver": "guardian",
        "modes": ["video"],
        "preferred_times": "arki-illat klo 19 jälkeen",
    },
    {
        "contact_name": "Abdirahman Warsame",
        "phone": "+358 40 000 0111",
        "email": "",
        "language": "other",
        "language_other": "somali",
        "interpreter_needed": True,
        "children_birth_years": [2010, 2013, 2018, 2023],
        "municipality": "853",
        "target_group": "immigrant-families",
        "challenges": ["parenting", "digital-media", "school-attendance"],
        "description": (
            "Vanhemmat toivovat tukea kasvatuskysymyksiin ja nuorten pelaamisen rajoittamiseen. "
            "Vanhin lapsi on ollut paljon poissa koulusta. Somalin kielen tulkki tarvitaan."
        ),
        "giver": "guardian",
        "modes": ["reception", "home_visit"],
        "preferred_times": "arkipäivät klo 12–16",
    },
    {
        "contact_name": "Tiina Rantanen",
        "phone": "+358 40 000 0112",
        "email": "",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2020, 2023],
        "municipality": "853",
        "target_group": "under-school-age",
        "challenges": ["violence-at-home", "mental-wellbeing"],
        "description": (
            "Äiti on kertonut neuvolassa aiemmasta väkivallasta parisuhteessa. Hän on muuttanut "
            "lasten kanssa omaan asuntoon ja toivoo keskusteluapua oman ja lasten toipumisen "
            "tueksi. Yhteydenotot vain äidin omaan numeroon."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "aamupäivät, kun lapset ovat päiväkodissa",
    },
    {
        "contact_name": "Kristiina Aalto",
        "phone": "+358 40 000 0113",
        "email": "kristiina.aalto@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2015],
        "municipality": "853",
        "target_group": "foster-adoptive-families",
        "challenges": ["parenting", "family-conflicts"],
        "description": (
            "Perheeseen sijoitettiin vuosi sitten 10-vuotias lapsi. Sijaisvanhemmat toivovat "
            "tukea lapsen kiintymyssuhteen ja tunteiden säätelyn tukemiseen."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "maanantai- ja keskiviikkoillat",
    },
    {
        "contact_name": "Daniel Okafor",
        "phone": "+358 40 000 0114",
        "email": "daniel.okafor@example.invalid",
        "language": "en",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2024, 2026],
        "municipality": "853",
        "target_group": "families-with-babies",
        "challenges": ["finances-debt", "parental-exhaustion"],
        "description": (
            "The family's second child was born this spring, and the father recently lost his "
            "job. The parents would like advice on benefits and budgeting."
        ),
        "giver": "guardian",
        "modes": ["video", "phone"],
        "preferred_times": "weekday afternoons",
    },
    {
        "contact_name": "Aleksi Virta",
        "phone": "+358 40 000 0115",
        "email": "",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2009],
        "municipality": "853",
        "target_group": "young-people",
        "challenges": ["digital-media", "school-attendance"],
        "description": (
            "Nuori kertoo pelaavansa öisin ja myöhästelevänsä koulusta. Hän haluaa itse muuttaa "
            "päivärytmiään ja toivoo keskusteluapua ja ohjausta."
        ),
        "giver": "young_person",
        "modes": ["video", "phone"],
        "preferred_times": "iltapäivät klo 15 jälkeen",
    },
    {
        "contact_name": "Marjut Laine",
        "phone": "+358 40 000 0116",
        "email": "marjut.laine@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2014, 2017],
        "municipality": "853",
        "target_group": "school-age",
        "challenges": ["grief-crisis", "parental-exhaustion"],
        "description": (
            "Perheen isä kuoli äkillisesti syksyllä. Äiti toivoo tukea lasten surun "
            "käsittelyyn ja omaan jaksamiseensa."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "reception"],
        "preferred_times": "arkipäivät ennen klo 14",
    },
    # --- Uusikaupunki (895) ------------------------------------------------
    {
        "contact_name": "Jenni Vuorinen",
        "phone": "+358 40 000 0117",
        "email": "jenni.vuorinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2025],
        "municipality": "895",
        "target_group": "families-with-babies",
        "challenges": ["parenting", "loneliness"],
        "description": (
            "Ensimmäistä lastaan hoitava äiti on muuttanut paikkakunnalle puolison työn "
            "perässä. Äiti kertoo yksinäisyydestä ja epävarmuudesta vauvan hoidossa."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "phone"],
        "preferred_times": "aamupäivät",
    },
    {
        "contact_name": "Tomi Lahtinen",
        "phone": "+358 40 000 0118",
        "email": "tomi.lahtinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2016, 2019],
        "municipality": "895",
        "target_group": "separated-families",
        "challenges": ["divorce-separation", "parenting"],
        "description": (
            "Vanhemmat ovat eroamassa ja miettivät, miten erosta kerrotaan lapsille. Isä "
            "toivoo neuvontaa lasten huomioimiseen erotilanteessa."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Anu Saarinen",
        "phone": "+358 40 000 0119",
        "email": "anu.saarinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2012, 2014],
        "municipality": "895",
        "target_group": "school-age",
        "challenges": ["school-attendance", "mental-wellbeing"],
        "description": (
            "Perheen nuorempi lapsi on ollut syyslukukaudella paljon poissa koulusta "
            "vatsakipujen ja jännittämisen vuoksi. Koulun kanssa on pidetty palaveri, ja "
            "perhe toivoo lisäksi keskusteluapua."
        ),
        "giver": "guardian",
        "modes": ["reception", "home_visit"],
        "preferred_times": "tiistait ja torstait",
    },
    {
        "contact_name": "Markku Järvinen",
        "phone": "+358 40 000 0120",
        "email": "markku.jarvinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2011],
        "municipality": "895",
        "target_group": "young-people",
        "challenges": ["digital-media", "family-conflicts"],
        "description": (
            "Vanhemmat ovat huolissaan nuoren runsaasta pelaamisesta ja rahankäytöstä pelien "
            "sisäisiin ostoksiin. Asiasta syntyy kotona toistuvia riitoja."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "arki-illat klo 17 jälkeen",
    },
    {
        "contact_name": "Olena Shevchenko",
        "phone": "+358 40 000 0121",
        "email": "olena.shevchenko@example.invalid",
        "language": "other",
        "language_other": "ukraina",
        "interpreter_needed": False,
        "children_birth_years": [2013, 2018],
        "municipality": "895",
        "target_group": "immigrant-families",
        "challenges": ["integration", "finances-debt"],
        "description": (
            "Perhe on asunut Uudessakaupungissa puolitoista vuotta. Äiti toivoo ohjausta "
            "talousasioihin ja tukea lasten harrastusten löytämiseen. Äiti puhuu englantia ja "
            "jonkin verran suomea."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "arkipäivät klo 16 jälkeen",
    },
    {
        "contact_name": "Riikka Mattila",
        "phone": "+358 40 000 0122",
        "email": "riikka.mattila@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2019, 2021, 2024],
        "municipality": "895",
        "target_group": "under-school-age",
        "challenges": ["parental-exhaustion", "couple-relationship"],
        "description": (
            "Kolmen pienen lapsen äiti kertoo olevansa uupunut. Puolison kanssa on ollut "
            "paljon erimielisyyksiä arjen työnjaosta."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "video"],
        "preferred_times": "iltaisin lasten nukkumaanmenon jälkeen",
    },
    {
        "contact_name": "Sami Heikkilä",
        "phone": "+358 40 000 0123",
        "email": "",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2010],
        "municipality": "895",
        "target_group": "young-people",
        "challenges": ["mental-wellbeing", "family-conflicts"],
        "description": (
            "Nuori kertoo kokevansa kotona jatkuvaa painetta koulumenestyksestä ja toivoo "
            "mahdollisuutta puhua ulkopuolisen aikuisen kanssa."
        ),
        "giver": "young_person",
        "modes": ["phone", "video"],
        "preferred_times": "koulun jälkeen",
    },
    {
        "contact_name": "Päivi Hakala",
        "phone": "+358 40 000 0124",
        "email": "paivi.hakala@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2017],
        "municipality": "895",
        "target_group": "foster-adoptive-families",
        "challenges": ["parenting", "mental-wellbeing"],
        "description": (
            "Perhe on adoptoinut lapsen ulkomailta. Lapsi on alkanut kysellä syntymämaastaan "
            "ja taustastaan, ja vanhemmat toivovat neuvontaa siihen, miten asioista voi puhua."
        ),
        "giver": "guardian",
        "modes": ["video"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Ville Kallio",
        "phone": "+358 40 000 0125",
        "email": "ville.kallio@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2015, 2018],
        "municipality": "895",
        "target_group": "school-age",
        "challenges": ["substance-use", "parenting"],
        "description": (
            "Lasten äidillä on ollut alkoholiongelma, ja hän on aloittanut hoidon. Isä toivoo "
            "tukea siihen, miten tilanteesta voi puhua lasten kanssa."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "perjantaisin",
    },
    {
        "contact_name": "Thi Lan Nguyen",
        "phone": "+358 40 000 0126",
        "email": "",
        "language": "other",
        "language_other": "vietnam",
        "interpreter_needed": True,
        "children_birth_years": [2020, 2022],
        "municipality": "895",
        "target_group": "immigrant-families",
        "challenges": ["loneliness", "parenting"],
        "description": (
            "Perhe on muuttanut Uuteenkaupunkiin isän työn vuoksi. Äiti on kotona lasten kanssa "
            "ja kertoo kaipaavansa aikuiskontakteja. Vietnamin kielen tulkki tarvitaan."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "reception"],
        "preferred_times": "arkiaamupäivät",
    },
    {
        "contact_name": "Kati Suominen",
        "phone": "+358 40 000 0127",
        "email": "kati.suominen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2013, 2016],
        "municipality": "895",
        "target_group": "parents",
        "challenges": ["finances-debt", "parental-exhaustion"],
        "description": (
            "Yksinhuoltajaäidillä on maksamattomia laskuja, ja maksuhäiriömerkintä on uhkana. "
            "Äiti toivoo apua talouden suunnitteluun ja tietoa velkaneuvonnasta."
        ),
        "giver": "guardian",
        "modes": ["phone", "home_visit"],
        "preferred_times": "arkipäivät klo 8–12",
    },
    {
        "contact_name": "Jari Leinonen",
        "phone": "+358 40 000 0128",
        "email": "jari.leinonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2010, 2012],
        "municipality": "895",
        "target_group": "parents",
        "challenges": ["family-conflicts", "violence-at-home"],
        "description": (
            "Isä kertoo menettäneensä malttinsa riitatilanteissa nuorten kanssa ja toivoo itse "
            "apua keinoihin, joilla riidat eivät kärjisty."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Eveliina Koivisto",
        "phone": "+358 40 000 0129",
        "email": "eveliina.koivisto@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2022],
        "municipality": "895",
        "target_group": "under-school-age",
        "challenges": ["neuropsychiatric", "parenting"],
        "description": (
            "Varhaiskasvatuksessa on herännyt huoli lapsen voimakkaista raivokohtauksista ja "
            "keskittymisestä. Tutkimukset ovat käynnissä, ja vanhemmat toivovat tukea arjen "
            "keinoihin jonotusaikana."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "video"],
        "preferred_times": "iltapäivät klo 16 jälkeen",
    },
    {
        "contact_name": "Lucy Brown",
        "phone": "+358 40 000 0130",
        "email": "lucy.brown@example.invalid",
        "language": "en",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2017, 2019],
        "municipality": "895",
        "target_group": "immigrant-families",
        "challenges": ["school-attendance", "loneliness"],
        "description": (
            "The family moved from the UK when the father started work at a local factory. The "
            "older child misses his friends and is finding it hard to settle in at school."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "weekdays after 3 pm",
    },
    {
        "contact_name": "Heli Mäkinen",
        "phone": "+358 40 000 0131",
        "email": "heli.makinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2011, 2014, 2018],
        "municipality": "895",
        "target_group": "parents",
        "challenges": ["couple-relationship", "divorce-separation"],
        "description": (
            "Vanhemmat harkitsevat eroa ja toivovat keskusteluapua ennen päätöstä. Molemmat "
            "vanhemmat ovat valmiita tulemaan tapaamisiin."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "keskiviikkoillat",
    },
    {
        "contact_name": "Niklas Andersson",
        "phone": "+358 40 000 0132",
        "email": "niklas.andersson@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2021, 2024],
        "municipality": "895",
        "target_group": "under-school-age",
        "challenges": ["parenting", "loneliness"],
        "description": (
            "Familjen flyttade nyligen till Nystad och har inget nätverk på orten. Föräldrarna "
            "önskar samtalsstöd kring barnens sömn och rutiner på svenska."
        ),
        "giver": "guardian",
        "modes": ["video", "phone"],
        "preferred_times": "vardagar efter kl. 17",
    },
    # --- Laitila (400) -----------------------------------------------------
    {
        "contact_name": "Minna Aaltonen",
        "phone": "+358 40 000 0133",
        "email": "minna.aaltonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2026],
        "municipality": "400",
        "target_group": "families-with-babies",
        "challenges": ["parental-exhaustion", "mental-wellbeing"],
        "description": (
            "Äiti synnytti tammikuussa ja kertoo neuvolassa mielialan laskusta ja väsymyksestä. "
            "Äiti toivoo keskusteluapua kotikäynteinä."
        ),
        "giver": "guardian",
        "modes": ["home_visit"],
        "preferred_times": "arkipäivät klo 10–14",
    },
    {
        "contact_name": "Pertti Laaksonen",
        "phone": "+358 40 000 0134",
        "email": "pertti.laaksonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2012, 2015],
        "municipality": "400",
        "target_group": "separated-families",
        "challenges": ["divorce-separation", "family-conflicts"],
        "description": (
            "Vanhempien erosta on kaksi vuotta. Lasten asumisesta ja tapaamisista on edelleen "
            "erimielisyyksiä, ja vanhemmat toivovat perheasioiden sovittelun rinnalle "
            "keskusteluapua."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Satu Lehtinen",
        "phone": "+358 40 000 0135",
        "email": "satu.lehtinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2014],
        "municipality": "400",
        "target_group": "school-age",
        "challenges": ["school-attendance", "neuropsychiatric"],
        "description": (
            "Lapsella on todettu autismikirjon piirteitä. Koulupäivät kuormittavat lasta, ja "
            "hän on viime viikkoina kieltäytynyt lähtemästä kouluun."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "reception"],
        "preferred_times": "arkiaamupäivät",
    },
    {
        "contact_name": "Vira Bondarenko",
        "phone": "+358 40 000 0136",
        "email": "",
        "language": "other",
        "language_other": "ukraina",
        "interpreter_needed": True,
        "children_birth_years": [2011, 2016],
        "municipality": "400",
        "target_group": "immigrant-families",
        "challenges": ["integration", "school-attendance", "mental-wellbeing"],
        "description": (
            "Perhe muutti Laitilaan isän työn perässä. Vanhempi lapsi on sopeutunut kouluun "
            "huonosti ja vetäytyy kotona omiin oloihinsa. Ukrainan kielen tulkki tarvitaan."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arkipäivät klo 15 jälkeen",
    },
    {
        "contact_name": "Joonas Peltonen",
        "phone": "+358 40 000 0137",
        "email": "",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2009],
        "municipality": "400",
        "target_group": "young-people",
        "challenges": ["substance-use", "mental-wellbeing"],
        "description": (
            "Nuori kertoo kokeilleensa kannabista ja haluaa lopettaa käytön. Hän toivoo "
            "luottamuksellista keskusteluapua ja on itse pyytänyt yhteydenottoa."
        ),
        "giver": "young_person",
        "modes": ["phone", "video"],
        "preferred_times": "illat klo 18 jälkeen",
    },
    {
        "contact_name": "Tuula Kinnunen",
        "phone": "+358 40 000 0138",
        "email": "tuula.kinnunen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2018, 2020, 2023],
        "municipality": "400",
        "target_group": "under-school-age",
        "challenges": ["parenting", "parental-exhaustion"],
        "description": (
            "Perheen arki on kuormittunutta isän pitkien työmatkojen vuoksi. Äiti toivoo tukea "
            "lasten kiukkutilanteisiin ja omaan jaksamiseensa."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "phone"],
        "preferred_times": "arkipäivät klo 9–11",
    },
    {
        "contact_name": "Arttu Hiltunen",
        "phone": "+358 40 000 0139",
        "email": "arttu.hiltunen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2010],
        "municipality": "400",
        "target_group": "young-people",
        "challenges": ["school-attendance", "digital-media"],
        "description": (
            "Huoltaja kertoo nuoren valvovan öisin puhelimen kanssa ja jäävän aamuisin pois "
            "koulusta. Koulukuraattori on ohjannut perheen hakemaan tukea."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Nina Karjalainen",
        "phone": "+358 40 000 0140",
        "email": "nina.karjalainen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2016, 2019],
        "municipality": "400",
        "target_group": "foster-adoptive-families",
        "challenges": ["parenting", "grief-crisis"],
        "description": (
            "Sijaisperheeseen on sijoitettu kaksi sisarusta. Lasten tapaamiset biologisten "
            "vanhempien kanssa herättävät voimakkaita tunteita, ja sijaisvanhemmat toivovat "
            "keskusteluapua."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "tiistai-illat",
    },
    {
        "contact_name": "Eero Salminen",
        "phone": "+358 40 000 0141",
        "email": "eero.salminen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2013, 2017],
        "municipality": "400",
        "target_group": "parents",
        "challenges": ["finances-debt", "couple-relationship"],
        "description": (
            "Isän yritys on ajautunut konkurssiin. Taloudellinen tilanne kuormittaa "
            "parisuhdetta, ja vanhemmat toivovat neuvontaa talouden järjestämiseen."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arki-illat klo 18 jälkeen",
    },
    {
        "contact_name": "Siiri Honkanen",
        "phone": "+358 40 000 0142",
        "email": "siiri.honkanen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2021],
        "municipality": "400",
        "target_group": "under-school-age",
        "challenges": ["loneliness", "parenting"],
        "description": (
            "Yksinhuoltajaäiti on muuttanut Laitilaan, eikä hänellä ole paikkakunnalla "
            "läheisiä. Äiti toivoo keskusteluapua ja tietoa alueen perhetoiminnasta."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "arkiaamupäivät",
    },
    {
        "contact_name": "Malee Virtanen",
        "phone": "+358 40 000 0143",
        "email": "malee.virtanen@example.invalid",
        "language": "other",
        "language_other": "thai",
        "interpreter_needed": False,
        "children_birth_years": [2015, 2019],
        "municipality": "400",
        "target_group": "immigrant-families",
        "challenges": ["family-conflicts", "integration"],
        "description": (
            "Äiti on muuttanut Suomeen Thaimaasta kymmenen vuotta sitten. Perheessä on "
            "erimielisyyksiä lasten kasvatuksesta, ja äiti toivoo keskusteluapua selkeällä "
            "suomen kielellä tai englanniksi."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "viikonloppuisin tai arki-iltaisin",
    },
    {
        "contact_name": "Henna Väisänen",
        "phone": "+358 40 000 0144",
        "email": "",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2012, 2014],
        "municipality": "400",
        "target_group": "school-age",
        "challenges": ["violence-at-home", "family-conflicts"],
        "description": (
            "Äiti kertoo, että vanhemman lapsen ja isäpuolen väliset riidat ovat kärjistyneet "
            "tönimiseksi. Sosiaalityö on tietoinen tilanteesta. Perhe on sitoutunut "
            "muutokseen ja toivoo ohjausta riitojen ratkaisemiseen."
        ),
        "giver": "guardian",
        "modes": ["reception", "home_visit"],
        "preferred_times": "arkipäivät klo 12–16",
    },
    {
        "contact_name": "Lauri Tuominen",
        "phone": "+358 40 000 0145",
        "email": "lauri.tuominen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2011],
        "municipality": "400",
        "target_group": "young-people",
        "challenges": ["mental-wellbeing", "loneliness"],
        "description": (
            "Vanhemmat ovat huolissaan nuoren vetäytymisestä kavereista ja harrastuksista. "
            "Nuori on suostunut tapaamaan työntekijää yhdessä vanhemman kanssa."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Merja Harju",
        "phone": "+358 40 000 0146",
        "email": "merja.harju@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2017, 2022],
        "municipality": "400",
        "target_group": "school-age",
        "challenges": ["grief-crisis", "parental-exhaustion"],
        "description": (
            "Perheen kotona syttyi tulipalo, ja perhe asuu väliaikaisesti vuokra-asunnossa. "
            "Lapset pelkäävät nukkua yksin, ja vanhemmat toivovat tukea kriisistä toipumiseen."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "phone"],
        "preferred_times": "mahdollisimman pian, arkipäivisin",
    },
    {
        "contact_name": "Kalle Nurmi",
        "phone": "+358 40 000 0147",
        "email": "kalle.nurmi@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2019, 2025],
        "municipality": "400",
        "target_group": "families-with-babies",
        "challenges": ["couple-relationship", "parental-exhaustion"],
        "description": (
            "Vanhemmat kokevat, että toisen lapsen syntymän jälkeen arki on muuttunut raskaaksi "
            "eikä parisuhteelle jää aikaa. Isä toivoo pariskunnalle keskusteluapua."
        ),
        "giver": "guardian",
        "modes": ["video", "home_visit"],
        "preferred_times": "arki-illat klo 20 jälkeen",
    },
    {
        "contact_name": "Aino Jokinen",
        "phone": "+358 40 000 0148",
        "email": "aino.jokinen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2010, 2013],
        "municipality": "400",
        "target_group": "separated-families",
        "challenges": ["divorce-separation", "mental-wellbeing"],
        "description": (
            "Nuorempi lapsi on oireillut vanhempien eron jälkeen ahdistuksena ja "
            "univaikeuksina. Äiti toivoo lapselle mahdollisuutta keskustella erosta."
        ),
        "giver": "guardian",
        "modes": ["reception", "home_visit"],
        "preferred_times": "iltapäivät koulun jälkeen",
    },
    # --- Kemiönsaari / Kimitoön (322) --------------------------------------
    {
        "contact_name": "Johanna Holmström",
        "phone": "+358 40 000 0149",
        "email": "johanna.holmstrom@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2025],
        "municipality": "322",
        "target_group": "families-with-babies",
        "challenges": ["parental-exhaustion", "loneliness"],
        "description": (
            "Mamman har ett litet nätverk på ön och upplever att hon är ensam med bebisen under "
            "vardagarna. Hon önskar hembesök och samtalsstöd på svenska."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "phone"],
        "preferred_times": "vardagar förmiddag",
    },
    {
        "contact_name": "Mikael Lindroos",
        "phone": "+358 40 000 0150",
        "email": "mikael.lindroos@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2014, 2016],
        "municipality": "322",
        "target_group": "separated-families",
        "challenges": ["divorce-separation", "parenting"],
        "description": (
            "Föräldrarna har separerat och barnen bor växelvis hos dem båda. Pappan önskar stöd "
            "i hur föräldrarna kan samarbeta kring barnens vardag och skolgång."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "tisdagar efter kl. 15",
    },
    {
        "contact_name": "Annika Söderholm",
        "phone": "+358 40 000 0151",
        "email": "annika.soderholm@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2012],
        "municipality": "322",
        "target_group": "young-people",
        "challenges": ["school-attendance", "mental-wellbeing"],
        "description": (
            "Dottern har varit mycket borta från skolan under hösten och säger att hon inte "
            "orkar. Skolkuratorn har varit i kontakt med familjen, som önskar ytterligare "
            "samtalsstöd på svenska."
        ),
        "giver": "guardian",
        "modes": ["reception", "home_visit"],
        "preferred_times": "vardagar efter kl. 14",
    },
    {
        "contact_name": "Elin Wikström",
        "phone": "+358 40 000 0152",
        "email": "",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2010],
        "municipality": "322",
        "target_group": "young-people",
        "challenges": ["loneliness", "family-conflicts"],
        "description": (
            "Den unga berättar att hon känner sig ensam sedan hennes bästa vän flyttade och att "
            "det ofta blir gräl hemma. Hon vill gärna prata med en vuxen utanför familjen."
        ),
        "giver": "young_person",
        "modes": ["video", "phone"],
        "preferred_times": "vardagar efter skolan",
    },
    {
        "contact_name": "Stefan Blomqvist",
        "phone": "+358 40 000 0153",
        "email": "stefan.blomqvist@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2018, 2021],
        "municipality": "322",
        "target_group": "under-school-age",
        "challenges": ["neuropsychiatric", "parenting"],
        "description": (
            "Det äldre barnet har fått en ADHD-diagnos, och föräldrarna önskar konkreta "
            "verktyg för vardagen, särskilt kring morgonrutiner och övergångar."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "video"],
        "preferred_times": "måndagar och torsdagar",
    },
    {
        "contact_name": "Sofia Nyberg",
        "phone": "+358 40 000 0154",
        "email": "sofia.nyberg@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2016, 2019, 2023],
        "municipality": "322",
        "target_group": "parents",
        "challenges": ["couple-relationship", "parental-exhaustion"],
        "description": (
            "Föräldrarna upplever att de inte orkar med vardagen och att relationen har blivit "
            "ansträngd. De önskar parsamtal, gärna på distans."
        ),
        "giver": "guardian",
        "modes": ["video"],
        "preferred_times": "kvällar efter kl. 19",
    },
    {
        "contact_name": "Henrik Sundström",
        "phone": "+358 40 000 0155",
        "email": "henrik.sundstrom@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2013, 2015],
        "municipality": "322",
        "target_group": "school-age",
        "challenges": ["substance-use", "family-conflicts"],
        "description": (
            "Pappan berättar att hans alkoholkonsumtion har ökat och att det har lett till "
            "konflikter hemma. Han vill själv ha stöd och information om vilken hjälp som finns."
        ),
        "giver": "guardian",
        "modes": ["phone", "reception"],
        "preferred_times": "vardagar kl. 8–10",
    },
    {
        "contact_name": "Camilla Grönroos",
        "phone": "+358 40 000 0156",
        "email": "camilla.gronroos@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2017],
        "municipality": "322",
        "target_group": "foster-adoptive-families",
        "challenges": ["parenting", "grief-crisis"],
        "description": (
            "Familjen är familjehem för en pojke som placerades hos dem i våras. Pojken har "
            "svårt att sova och saknar sina biologiska föräldrar. Familjehemsföräldrarna "
            "önskar samtalsstöd."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "onsdagar",
    },
    {
        "contact_name": "Tove Lundqvist",
        "phone": "+358 40 000 0157",
        "email": "",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2020, 2022],
        "municipality": "322",
        "target_group": "under-school-age",
        "challenges": ["violence-at-home", "mental-wellbeing"],
        "description": (
            "Mamman har flyttat från sin tidigare partner efter långvarigt psykiskt våld. Hon "
            "önskar samtalsstöd för egen del och information om hur hon kan stöda barnen. "
            "Kontakt endast via mammans eget nummer."
        ),
        "giver": "guardian",
        "modes": ["reception", "phone"],
        "preferred_times": "förmiddagar när barnen är på dagis",
    },
    {
        "contact_name": "Patrik Forsman",
        "phone": "+358 40 000 0158",
        "email": "patrik.forsman@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2011, 2014],
        "municipality": "322",
        "target_group": "parents",
        "challenges": ["finances-debt", "parental-exhaustion"],
        "description": (
            "Familjen har fått betalningsanmärkningar efter en längre sjukskrivning. "
            "Föräldrarna önskar hjälp att göra upp en budget och information om "
            "skuldrådgivning."
        ),
        "giver": "guardian",
        "modes": ["phone", "video"],
        "preferred_times": "vardagar efter kl. 16",
    },
    {
        "contact_name": "Linnéa Karlsson",
        "phone": "+358 40 000 0159",
        "email": "linnea.karlsson@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2015, 2018],
        "municipality": "322",
        "target_group": "school-age",
        "challenges": ["digital-media", "parenting"],
        "description": (
            "Föräldrarna upplever att barnens skärmtid är svår att begränsa och att det ofta "
            "blir konflikter vid läggdags. De önskar rådgivning om regler för speltid."
        ),
        "giver": "guardian",
        "modes": ["video", "phone"],
        "preferred_times": "vardagskvällar",
    },
    {
        "contact_name": "Gunilla Mattsson",
        "phone": "+358 40 000 0160",
        "email": "gunilla.mattsson@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2013, 2017],
        "municipality": "322",
        "target_group": "school-age",
        "challenges": ["grief-crisis", "mental-wellbeing"],
        "description": (
            "Barnens morfar, som bodde i samma hushåll, dog i vintras. Det äldre barnet har "
            "sedan dess haft svårt att sova. Mamman önskar stöd i hur man kan prata om döden "
            "med barnen."
        ),
        "giver": "guardian",
        "modes": ["home_visit", "reception"],
        "preferred_times": "torsdagar efter kl. 15",
    },
    {
        "contact_name": "Markus Ekström",
        "phone": "+358 40 000 0161",
        "email": "markus.ekstrom@example.invalid",
        "language": "sv",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2009],
        "municipality": "322",
        "target_group": "young-people",
        "challenges": ["neuropsychiatric", "school-attendance"],
        "description": (
            "Den unga har en autismdiagnos och har svårt att anpassa sig till studierna på "
            "andra stadiet. Föräldrarna önskar handledning i hur de kan stöda skolgången."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "fredagar",
    },
    {
        "contact_name": "Päivi Lehto",
        "phone": "+358 40 000 0162",
        "email": "paivi.lehto@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2019, 2024],
        "municipality": "322",
        "target_group": "under-school-age",
        "challenges": ["loneliness", "parenting"],
        "description": (
            "Perhe on muuttanut Taalintehtaalle pääkaupunkiseudulta. Äiti toivoo "
            "suomenkielistä keskusteluapua ja tietoa alueen perhepalveluista."
        ),
        "giver": "guardian",
        "modes": ["reception", "video"],
        "preferred_times": "arkiaamupäivät",
    },
    {
        "contact_name": "Juho Ahonen",
        "phone": "+358 40 000 0163",
        "email": "juho.ahonen@example.invalid",
        "language": "fi",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2012, 2016],
        "municipality": "322",
        "target_group": "parents",
        "challenges": ["family-conflicts", "couple-relationship"],
        "description": (
            "Vanhempien väliset riidat ovat lisääntyneet, ja lapset ovat kertoneet koulussa, "
            "että kotona huudetaan. Vanhemmat toivovat yhteistä keskusteluapua suomeksi."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "arki-illat",
    },
    {
        "contact_name": "Sarah Mitchell",
        "phone": "+358 40 000 0164",
        "email": "sarah.mitchell@example.invalid",
        "language": "en",
        "language_other": "",
        "interpreter_needed": False,
        "children_birth_years": [2018, 2021],
        "municipality": "322",
        "target_group": "immigrant-families",
        "challenges": ["integration", "loneliness"],
        "description": (
            "The family moved to Kimitoön from Ireland last year. The parents would like "
            "guidance on local services and the Finnish school system, and the mother hopes to "
            "meet other families."
        ),
        "giver": "guardian",
        "modes": ["video", "reception"],
        "preferred_times": "weekday mornings",
    },
]

# ---------------------------------------------------------------------------
# Evaluation (issue 9): outreach activities and earlier anonymous feedback.
# ---------------------------------------------------------------------------

# Lectures, open-door days, info sessions and service packages of the past half year:
# (days ago, municipality code, organizer slugs, kind, audience, head count, target group
# slugs, challenge slugs). Counts only: no one who came is named.
OUTREACH_ACTIVITIES = [
    (12, "853", ["aurajoen-vanhemmuustuki", "mielen-majakka"], "lecture", "professionals", 46,
     ["parents"], ["parenting", "mental-wellbeing"]),
    (20, "853", ["kotisatama"], "open_door", "families", 18, ["families-with-babies"],
     ["loneliness"]),
    (27, "400", ["lounaisrannikon-perhetuki"], "info_session", "both", 14, ["parents"],
     ["family-conflicts"]),
    (35, "895", ["vakka-suomen-erotuki", "uusi-pesa"], "lecture", "professionals", 31,
     ["parents"], ["couple-relationship"]),
    (41, "322", ["skargardens-familjeforum"], "open_door", "families", 9,
     ["families-with-babies"], ["loneliness"]),
    (48, "853", ["nuorten-tuulensuoja"], "info_session", "professionals", 62, ["young-people"],
     ["mental-wellbeing", "substance-use"]),
    (56, "400", ["perhetalouden-tukiverkko"], "service_package", "professionals", 11,
     ["parents"], ["finances-debt"]),
    (63, "895", ["arjen-palapeli"], "open_door", "families", 23, ["parents"], ["parenting"]),
    (77, "853", ["rauhallinen-koti", "selva-arki"], "lecture", "professionals", 88, [],
     ["violence-at-home", "substance-use"]),
    (84, "322", ["skargardens-familjeforum", "lounaisrannikon-perhetuki"], "service_package",
     "professionals", 17, ["families-with-babies"], ["parenting"]),
    (98, "529", ["tyyni-vesi"], "info_session", "both", 26, [], ["grief-crisis"]),
    (112, "853", ["mielen-majakka"], "info_session", "families", 15, ["young-adults"],
     ["mental-wellbeing"]),
    (126, "895", ["vakka-suomen-erotuki"], "info_session", "both", 12, ["parents"],
     ["couple-relationship"]),
    (140, "400", ["kotisatama", "aurajoen-vanhemmuustuki"], "open_door", "families", 21,
     ["families-with-babies"], ["parenting"]),
    (161, "853", ["aurajoen-vanhemmuustuki"], "lecture", "both", 54, ["parents"],
     ["parenting"]),
]  # fmt: skip

# Earlier families' answers, kept only by area, organization and month, as the questionnaire
# stores them: (months ago, municipality code, organization slug, useful, easy to reach,
# would recommend, own words or "").
FEEDBACK_ANSWERS = [
    (1, "853", "aurajoen-vanhemmuustuki", 5, 4, 5, "Sain paljon apua iltojen rauhoittamiseen."),
    (1, "853", "aurajoen-vanhemmuustuki", 4, 4, 4, ""),
    (1, "853", "aurajoen-vanhemmuustuki", 5, 5, 5, "Ystävällinen ja kiireetön tapaaminen."),
    (2, "853", "aurajoen-vanhemmuustuki", 4, 3, 4, "Aikaa sai odottaa, mutta apu oli hyvää."),
    (2, "853", "aurajoen-vanhemmuustuki", 3, 4, 4, ""),
    (1, "853", "mielen-majakka", 5, 4, 5, "Nuori uskalsi puhua, kiitos."),
    (2, "853", "mielen-majakka", 4, 4, 5, ""),
    (2, "853", "mielen-majakka", 5, 3, 4, ""),
    (3, "853", "mielen-majakka", 4, 5, 5, "Videotapaaminen sopi meille hyvin."),
    (3, "853", "mielen-majakka", 3, 4, 3, ""),
    (1, "400", "lounaisrannikon-perhetuki", 4, 5, 5, "Kirjastolla oli helppo käydä."),
    (2, "400", "lounaisrannikon-perhetuki", 5, 5, 5, ""),
    (2, "400", "lounaisrannikon-perhetuki", 4, 4, 4, ""),
    (3, "400", "lounaisrannikon-perhetuki", 3, 4, 4, "Olisimme tarvinneet useamman tapaamisen."),
    (4, "400", "lounaisrannikon-perhetuki", 5, 4, 5, ""),
    (1, "895", "vakka-suomen-erotuki", 4, 3, 4, ""),
    (2, "895", "vakka-suomen-erotuki", 5, 4, 5, "Erotilanteessa tuki tuli oikeaan aikaan."),
    (3, "895", "vakka-suomen-erotuki", 4, 4, 4, ""),
    (1, "322", "skargardens-familjeforum", 5, 5, 5, "Det var skönt att få hjälp på svenska."),
    (2, "322", "skargardens-familjeforum", 4, 3, 4, ""),
    (3, "322", "skargardens-familjeforum", 5, 4, 5, ""),
]

# Earlier referrers' views: (months ago, municipality code, organization slug, went where it
# should, how quickly 1-5).
REFERRER_VIEWS = [
    (1, "853", "aurajoen-vanhemmuustuki", "yes", 4),
    (1, "853", "aurajoen-vanhemmuustuki", "yes", 3),
    (2, "853", "aurajoen-vanhemmuustuki", "yes", 4),
    (2, "853", "mielen-majakka", "partly", 3),
    (2, "853", "mielen-majakka", "yes", 5),
    (3, "853", "mielen-majakka", "yes", 4),
    (1, "400", "lounaisrannikon-perhetuki", "yes", 5),
    (2, "400", "lounaisrannikon-perhetuki", "yes", 4),
    (3, "400", "lounaisrannikon-perhetuki", "no", 2),
    (2, "895", "vakka-suomen-erotuki", "yes", 4),
    (3, "895", "vakka-suomen-erotuki", "partly", 3),
    (1, "322", "skargardens-familjeforum", "yes", 5),
]
