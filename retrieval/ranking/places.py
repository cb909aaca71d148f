"""Names of countries, US states and large cities, case-folded: "which country..." wants one.

A short list written into the code (no gazetteer download): a passage naming a place the
question does not name is likelier to answer "where" and "which country/state/city".
Multi-word names are matched within runs of capitalised words (`marks._places_in`, and the
compiled reading of `scan`).
"""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    return frozenset(n.strip() for n in text.split(",") if n.strip())


PLACES = _names("""
    afghanistan, albania, algeria, andorra, angola, argentina, armenia, australia, austria,
    azerbaijan, bahamas, bahrain, bangladesh, barbados, belarus, belgium, belize, benin,
    bhutan, bolivia, bosnia, botswana, brazil, brunei, bulgaria, burkina faso, burundi,
    cambodia, cameroon, canada, chad, chile, china, colombia, congo, costa rica, croatia,
    cuba, cyprus, czech republic, czechia, denmark, djibouti, dominica, dominican republic,
    ecuador, egypt, el salvador, england, eritrea, estonia, eswatini, ethiopia, fiji,
    finland, france, gabon, gambia, georgia, germany, ghana, greece, greenland, grenada,
    guatemala, guinea, guyana, haiti, honduras, hong kong, hungary, iceland, india,
    indonesia, iran, iraq, ireland, israel, italy, ivory coast, jamaica, japan, jordan,
    kazakhstan, kenya, kosovo, kuwait, kyrgyzstan, laos, latvia, lebanon, lesotho, liberia,
    libya, liechtenstein, lithuania, luxembourg, madagascar, malawi, malaysia, maldives,
    mali, malta, mauritania, mauritius, mexico, moldova, monaco, mongolia, montenegro,
    morocco, mozambique, myanmar, namibia, nepal, netherlands, new zealand, nicaragua, niger,
    nigeria, north korea, north macedonia, northern ireland, norway, oman, pakistan,
    palestine, panama, papua new guinea, paraguay, peru, philippines, poland, portugal,
    puerto rico, qatar, romania, russia, rwanda, saudi arabia, scotland, senegal, serbia,
    sierra leone, singapore, slovakia, slovenia, somalia, south africa, south korea,
    south sudan, spain, sri lanka, sudan, suriname, sweden, switzerland, syria, taiwan,
    tajikistan, tanzania, thailand, togo, tonga, trinidad, tunisia, turkey, turkiye,
    turkmenistan, uganda, ukraine, united arab emirates, uae, united kingdom, uk, britain,
    great britain, united states, usa, uruguay, uzbekistan, vatican, venezuela, vietnam,
    wales, yemen, zambia, zimbabwe, gaza, west bank, crimea, antarctica, arctic,
    alabama, alaska, arizona, arkansas, california, colorado, connecticut, delaware, florida,
    hawaii, idaho, illinois, indiana, iowa, kansas, kentucky, louisiana, maine, maryland,
    massachusetts, michigan, minnesota, mississippi, missouri, montana, nebraska, nevada,
    new hampshire, new jersey, new mexico, new york, north carolina, north dakota, ohio,
    oklahoma, oregon, pennsylvania, rhode island, south carolina, south dakota, tennessee,
    texas, utah, vermont, virginia, washington, west virginia, wisconsin, wyoming,
    atlanta, austin, baltimore, boston, charlotte, chicago, cincinnati, cleveland, dallas,
    denver, detroit, honolulu, houston, indianapolis, kansas city, las vegas, los angeles,
    memphis, miami, milwaukee, minneapolis, nashville, new orleans, oakland, orlando,
    philadelphia, phoenix, pittsburgh, portland, sacramento, salt lake city, san antonio,
    san diego, san francisco, san jose, seattle, st louis, tampa, tucson, wilmington,
    dover, newark, buffalo, anchorage, albuquerque, el paso, fort worth, jacksonville,
    louisville, omaha, raleigh, richmond, savannah, uvalde, maui, lahaina, palm beach,
    london, paris, berlin, madrid, rome, milan, moscow, kyiv, kiev, warsaw, vienna, prague,
    budapest, amsterdam, brussels, geneva, zurich, stockholm, oslo, copenhagen, helsinki,
    dublin, edinburgh, glasgow, manchester, liverpool, birmingham, oxford, cambridge, leeds,
    lisbon, barcelona, athens, istanbul, ankara, jerusalem, tel aviv, beirut, damascus,
    baghdad, tehran, riyadh, dubai, abu dhabi, doha, cairo, nairobi, lagos, johannesburg,
    cape town, delhi, new delhi, mumbai, beijing, shanghai, hong kong, tokyo, osaka, seoul,
    pyongyang, taipei, bangkok, manila, jakarta, bali, sydney, melbourne, auckland, toronto,
    montreal, vancouver, ottawa, calgary, mexico city, havana, caracas, bogota, lima,
    santiago, buenos aires, rio de janeiro, sao paulo, brasilia, kabul, islamabad, karachi,
    sochi, kherson, kharkiv, odesa, bakhmut, mariupol, donetsk, luhansk, rafah, khan younis,
    hiroshima, fukushima, wuhan, saint-denis, monte carlo, tijuana, cancun, acapulco
""")
