"""The start page inside a frame: the consultation's intro, then "Har ni redan börjat?" first,
then who is answering; outside the frame the consultation's own page has the intro."""

from __future__ import annotations

START = "/r/kronoberg/c/kulturplan/respond"


def test_the_embedded_start_page_shows_the_intro_and_the_way_back_first(client, consultation):
    framed = client.get(f"/embed{START}").get_data(as_text=True)
    main = framed[framed.index("<main") :]
    assert "<h1>Kulturplan 2027–2030</h1>" in main.replace("<span>", "").replace("</span>", "")
    assert "<strong>höra er</strong>" in main  # the intro, from its Markdown
    assert main.index("Har ni redan börjat?") < main.index("Vem svarar?")
    assert main.index("Vem svarar?") < main.index("Börja svara")

    plain = client.get(START).get_data(as_text=True)
    main = plain[plain.index("<main") :]
    assert "<strong>höra er</strong>" not in main
    assert (
        main.index("Vem svarar?") < main.index("Börja svara") < main.index("Har ni redan börjat?")
    )
