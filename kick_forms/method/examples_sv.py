"""Swedish names for the examples of ways of working in ``coe_code.json``'s ``matrix_examples``.

The data file gives them in English only. They seed the table of examples once; from then on
KICK's staff keep both languages on the examples' own pages.
"""

from __future__ import annotations

EXAMPLES_SV: dict[str, str] = {
    "open access to information": "öppen tillgång till information",
    "research": "forskning",
    "research input": "underlag från forskning",
    "campaigning and lobbying": "kampanjer och påverkansarbete",
    "web portal": "webbportal",
    "awareness raising": "insatser för ökad kunskap och medvetenhet",
    "evidence gathering": "insamling av underlag",
    "evaluation": "utvärdering",
    "petitioning, also online": "namninsamlingar, även digitalt",
    "petitioning": "namninsamlingar",
    "online consultation": "samråd på nätet",
    "hearings and question-and-answer sessions": "utfrågningar och frågestunder",
    "expert seminars": "expertseminarier",
    "multi-stakeholder or advisory bodies": "rådgivande organ med flera parter",
    "multi-stakeholder committees": "kommittéer med flera parter",
    "events, conferences, forums, seminars": "evenemang, konferenser, forum och seminarier",
    "feedback mechanisms": "kanaler för återkoppling",
    "conference or forum": "konferens eller forum",
    "hearings and public forums": "utfrågningar och öppna forum",
    "citizens' forums and future councils": "medborgarforum och framtidsråd",
    "key stakeholder sessions": "möten med nyckelaktörer",
    "open plenary or committee sessions": "öppna sammanträden i fullmäktige eller nämnd",
    "capacity-building and training seminars": "kompetensutveckling och utbildningsseminarier",
    "working group or committee": "arbetsgrupp eller kommitté",
    "seminars": "seminarier",
    "deliberative forums": "samtalsforum för gemensam överläggning",
    "co-drafting": "gemensam utformning av förslag",
    "co-decision": "gemensamt beslutsfattande",
    "co-regulation": "samreglering",
    "strategic partnership": "strategiskt partnerskap",
    "service provision": "utförande av verksamhet och tjänster",
}
