"""Write translations/lv/LC_MESSAGES/messages.po from messages.pot and the table below.

Run after `pybabel extract -F babel.cfg -o translations/messages.pot .` when
texts change; tests/test_i18n.py fails while a message has no Latvian text.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LV = {
    "free with a salary card of %(bank)s": "bez maksas ar %(bank)s algas karti",
    "Bank branch": "Bankas filiāle",
    "ATM": "Bankomāts",
    "Post office": "Pasta nodaļa",
    "Partner dealer": "Partneru veikals",
    "Telecom shop": "Sakaru veikals",
    "Pay a bill": "Samaksāt rēķinu",
    "Deposit cash": "Iemaksāt skaidru naudu",
    "Buy a service": "Nopirkt pakalpojumu",
    "Buy a phone": "Nopirkt telefonu",
    "Where to pay without commission": "Kur samaksāt bez komisijas",
    "Skip to content": "Pāriet uz saturu",
    "Pay bills without commission, buy services: near you": "Rēķini bez komisijas, pakalpojumi: tuvu jums",
    "Language": "Valoda",
    "Data:": "Dati:",
    "Bank branches, ATMs, partner shops, closed centres and all fees are illustrative.": "Bankas filiāles, bankomāti, partneru veikali, slēgtie centri un visas maksas ir ilustratīvas.",
    "Sources and licences": "Avoti un licences",
    "This customer centre closed on %(date)s.": "Šis klientu centrs slēgts %(date)s.",
    "Pay without commission nearby": "Samaksāt bez komisijas tuvumā",
    "Nearest post office": "Tuvākā pasta nodaļa",
    "Dealers and partner shops nearby": "Partneru veikali tuvumā",
    "no commission": "bez komisijas",
    "Details": "Sīkāk",
    "All closed centres": "Visi slēgtie centri",
    "Map": "Karte",
    "Closed customer centres": "Slēgtie klientu centri",
    "closed on %(date)s": "slēgts %(date)s",
    "hours unknown": "darba laiks nav zināms",
    "open until %(time)s": "atvērts līdz %(time)s",
    "open 24/7": "atvērts visu diennakti",
    "closed, opens %(when)s": "slēgts, atver %(when)s",
    "closed": "slēgts",
    "Where can I pay without commission?": "Kur samaksāt bez komisijas?",
    "Address, place or postcode": "Adrese, vieta vai pasta indekss",
    "e.g. Audēju iela, Rīga or LV-1050": "piem., Audēju iela, Rīga vai LV-1050",
    "Search": "Meklēt",
    "You did not allow this page to know your location. Type an address instead, or allow location for this site in your browser settings.": "Jūs neatļāvāt šai lapai uzzināt jūsu atrašanās vietu. Ierakstiet adresi vai atļaujiet atrašanās vietu šai vietnei pārlūka iestatījumos.",
    "Your location could not be found. Type an address instead.": "Jūsu atrašanās vietu neizdevās noteikt. Ierakstiet adresi.",
    "This browser cannot tell your location. Type an address instead.": "Šis pārlūks nevar noteikt jūsu atrašanās vietu. Ierakstiet adresi.",
    "Use my location": "Izmantot manu atrašanās vietu",
    "Several places match “%(text)s”. Which one?": "Vaicājumam „%(text)s” atbilst vairākas vietas. Kura no tām?",
    "Nothing found for “%(text)s”.": "Vaicājumam „%(text)s” nekas netika atrasts.",
    "Type an address, a place or a postcode.": "Ierakstiet adresi, vietu vai pasta indeksu.",
    "The address search is not answering; try again in a moment, or use your location.": "Adrešu meklēšana neatbild; mēģiniet vēlreiz pēc brīža vai izmantojiet savu atrašanās vietu.",
    "Filters": "Filtri",
    "I need to": "Man vajag",
    "Without commission only": "Tikai bez komisijas",
    "I have a salary card of": "Man ir algas karte no",
    "no bank": "nav",
    "Open": "Atvērts",
    "any time": "jebkurā laikā",
    "now": "tagad",
    "at": "laikā",
    "Date and time": "Datums un laiks",
    "Kind": "Veids",
    "any": "jebkurš",
    "Within": "Līdz",
    "any distance": "jebkurā attālumā",
    "Apply": "Rādīt",
    "Nearest places": "Tuvākās vietas",
    "Nothing matches within reach. The nearest is %(name)s, %(distance)s away.": "Tuvumā nekas neatbilst. Tuvākā ir %(name)s, %(distance)s attālumā.",
    "No place offers this.": "Neviena vieta to nepiedāvā.",
    "Link to this search": "Saite uz šo meklējumu",
    "Copy": "Kopēt",
    "Or start from the centre you used to visit:": "Vai sāciet no centra, kuru apmeklējāt agrāk:",
    "Fees": "Maksas",
    "Service": "Pakalpojums",
    "Fee": "Maksa",
    "Condition": "Nosacījums",
    "Opening hours": "Darba laiks",
    "unknown": "nav zināms",
    "Source": "Avots",
    "illustrative": "ilustratīvs",
    "Other places nearby": "Citas vietas tuvumā",
    "This link cannot be read": "Šo saiti nevar nolasīt",
    "You may not open this page": "Jums nav atļauts atvērt šo lapu",
    "Page not found": "Lapa nav atrasta",
    "This page cannot be used that way": "Šo lapu nevar izmantot šādi",
    "Too many requests": "Pārāk daudz pieprasījumu",
    "Something went wrong": "Radās kļūda",
    "The service is not answering": "Pakalpojums neatbild",
    "Something in the link or the form is not what this page expects. Check it, or start again.": "Saitē vai veidlapā ir kaut kas, ko šī lapa negaida. Pārbaudiet to vai sāciet no jauna.",
    "This page is for signed-in staff only.": "Šī lapa ir tikai pierakstītiem darbiniekiem.",
    "There is no such page, centre or place. The link may be mistyped or out of date.": "Šādas lapas, centra vai vietas nav. Saite var būt kļūdaina vai novecojusi.",
    "This address does not accept that kind of request.": "Šī adrese nepieņem šāda veida pieprasījumu.",
    "Too many requests in a short time. Wait a moment and try again.": "Īsā laikā pārāk daudz pieprasījumu. Pagaidiet brīdi un mēģiniet vēlreiz.",
    "Something went wrong on our side; it has been logged. Try again later.": "Mūsu pusē radās kļūda; tā ir pierakstīta. Mēģiniet vēlāk.",
    "The service is not answering right now. Try again in a moment.": "Pakalpojums pašlaik neatbild. Mēģiniet vēlreiz pēc brīža.",
    "Error %(status)s": "Kļūda %(status)s",
    "Back to the start page": "Atpakaļ uz sākumlapu",
    "This point is outside Latvia": "Šī vieta ir ārpus Latvijas",
    "The point is far outside Latvia; locator covers Latvia only. Search for an address in Latvia, or use your location there.": "Šī vieta ir tālu ārpus Latvijas; locator aptver tikai Latviju. Meklējiet adresi Latvijā vai izmantojiet savu atrašanās vietu tur.",
    "The closed customer centres are listed on the start page.": "Slēgtie klientu centri ir uzskaitīti sākumlapā.",
    "fee unknown": "maksa nav zināma",
    "Places: OpenStreetMap, 2019. Fees, partner roles, closed centres and opening hours are illustrative.": "Vietas: OpenStreetMap, 2019. Maksas, partneru lomas, slēgtie centri un darba laiki ir ilustratīvi.",
    "Suggestions": "Ieteikumi",
}

if __name__ == "__main__":
    here = Path(__file__).parent
    out = here / "lv" / "LC_MESSAGES" / "messages.po"
    with open(here / "messages.pot", "rb") as fh:
        template = read_po(fh)
    # What the .po already says is kept where the table is silent: plural forms, and the texts of
    # data (source titles and descriptions) that no extraction finds in the code.
    previous = {}
    if out.exists():
        with open(out, "rb") as fh:
            previous = {m.id: m.string for m in read_po(fh) if m.id and m.string}
    catalog = Catalog(locale="lv", project="locator")
    catalog.update(template)
    missing = []
    for message in catalog:
        if message.id:
            message.string = LV.get(message.id) or previous.get(message.id, "")
            message.flags.discard("fuzzy")
            if not message.string:
                missing.append(message.id)
    for msgid, string in previous.items():
        if msgid not in catalog:
            catalog.add(msgid, string)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    print(f"{out}: {len(catalog) - len(missing)} translated, missing: {missing}")
