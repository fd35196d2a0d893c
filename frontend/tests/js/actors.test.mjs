import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { actorKind, compileActorMatcher } from "../../static/frontend/js/speakers/matcher.js";
import { suggestActor } from "../../static/frontend/js/speakers/suggest.js";

// The actors of a debate made up for these tests, shaped like the demo debate's: people named
// by a surname, a title or their organisation, a collective with many names, organisations
// known by an acronym, and an office holder known by a title that also sits inside another
// actor's acronym (OSC in FOSC).
const ACTORS = [
  { id: 1, name: "Mara Quill", kind: "person", aliases: ["Quill", "Larkspur Institute"] },
  {
    id: 2,
    name: "Tobias Renn",
    kind: "person",
    aliases: ["Renn", "Head of Safeguarding at FOSC"],
  },
  {
    id: 3,
    name: "Ines Calloway",
    kind: "person",
    aliases: ["Calloway", "Night Bus Watch", "NBW"],
  },
  {
    id: 4,
    name: "Card firms",
    kind: "collective",
    aliases: [
      "card firms",
      "card companies",
      "ticketing companies",
      "ticketing firms",
      "operators",
      "card issuers",
      "the companies",
    ],
  },
  {
    id: 5,
    name: "FOSC",
    kind: "organisation",
    aliases: ["the charity", "children's charity", "FOSC\u2019s"],
  },
  {
    id: 6,
    name: "City Hall",
    kind: "organisation",
    aliases: ["City Hall spokesman", "Mayor of Eastmere"],
  },
  { id: 7, name: "Owen Marlowe", kind: "person", aliases: ["Marlowe", "OSC"] },
  { id: 8, name: "Gil Ambrose", kind: "person", aliases: ["Ambrose"] },
];

// Three articles written for these tests about a made-up city's plan to trace children
// through their travel cards, each laid out the way scraped articles arrive: paragraphs
// separated by blank lines, a crosshead glued to the next sentence, quotations that run over
// several paragraphs, a lead-in ending with "because:".

// The travel card row: card firms, Mara Quill, Tobias Renn and Ines Calloway.
const TRACKING_ARTICLE = [
  "So far, the plan meets resistance from card companies over a draft bylaw that would let the transit authority open a pupil’s journey history whenever a child is reported missing.",
  "Card firms have argued against opening up stored journeys as a way to find children who go missingMost travel cards now keep their history on the card alone, so only the rider and the card can see where it has been.",
  "Card firms argue that this kind of privacy is owed to every rider and matters most to people who have reason to hide their movements, such as people leaving violent homes, witnesses and whistle-blowers. They will not add a ‘master key’, saying it would make every card easier to misuse.",
  "Some companies have threatened to pull their cards from the city network if the bylaw passes.",
  "Mara Quill works as a senior fellow at the Larkspur Institute, a university group that studies data protection and public records. In an interview this week, she said that “every new window into a child’s journeys is another door left unlocked,” and argued that sealed cards “keep people who are already in danger out of sight, and protect every other rider too.”",
  "Sealed cards leave searchers a ‘blind spot’",
  "Is a sealed card a blind spot for abductors?Tobias Renn, Head of Safeguarding at FOSC, disagreed that parents must accept “a trade between finding a child and guarding a record,” saying the answer was rather “to fund the search teams and the help points that already exist and can reach every child on the network.”",
  "FOSC also wants the bylaw to cover newer fare systems, quick response (QR) codes included, so that every child can be found.",
  "This demand had the support of Night Bus Watch’s chief executive, Ines Calloway, who said strict limits on access had to come first, because:",
  "“Without them, a traceable card becomes a diary that anyone with a login can open, showing strangers where a child goes and leaving a trail that lasts for years.”",
  "Figures gathered by FOSC show that 340 children went missing on the network last year, most of them for less than a day.",
  "The company trains drivers at depots, stations and ticket offices, as well as school crossing staff, youth workers and children’s services. Their\u00a0courses cover missing-child drills.",
  "An instructor from the company says:",
  "“Keeping children safe means knowing the network as well as they do. We need to learn the routes they take after school and make sure there are clear places for them to go for help when they need it.",
  "“Everyone who works on the buses should know their duty to look out for them, notice the signs that a child is lost and know who to call.”",
].join("\n\n");

// The transit commissioner backs the bylaw; the operators answer him.
const COMMISSIONER_ARTICLE = [
  "Yet the same privacy is there for any rider who wants it, and the operators say it gives extra shelter to people escaping violent homes, witnesses and whistle-blowers, among many others.",
  "They also say that any master key built for searches would leave every card less safe.",
  "According to new figures from the children’s charity FOSC, transit police logged 2,318 reports of missing pupils in the past five years, including cases reported to the city’s own force.",
  "With the Missing Pupils Bylaw expected to take effect in the spring, the OSC is reiterating his support for the bylaw as part of his plan for a safer network.",
  "The OSC said: “It is good that more parents now feel able to report a missing child, but the numbers are worrying.",
  "“My plan for the network is about protecting every passenger, and that includes children who travel alone and could get lost on the way home.",
  "“The bylaw will give staff the powers they need, and I will make sure our officers put its new duties into practice.”",
].join("\n\n");

// A quotation continued past a crosshead, then a police officer who is not an actor.
const FIGURES_ARTICLE = [
  "The charity is calling on councillors to publish their final plans before the year is out and to pass the bylaw by the end of 2026.",
  "Dev Harker, FOSC head of travel safety policy, said: “These numbers show missing-pupil reports were rising before the new timetable, and the risk to children seems to have grown sharply since.",
  "Next steps",
  "“Almost two years have passed since councillors first set out plans to trace missing pupils, and children still go missing on journeys that could have been made safer.",
  "The head of security at the depot, Chief Inspector Alan Brede, said the rise in reports reflected a decision to make them a priority.",
  "He said: “The rise shows we are looking for every child who is reported and bringing them home faster. Our first duty is to the children, and that means acting within the hour.",
  "“A small team of trained staff works to find each child and bring them home.",
].join("\n\n");

// The selection is the one occurrence of phrase; the answer is reported with the words that
// named the actor, so a wrong match shows up even when the actor is right, and with the
// explanation the tag form shows.
function suggestFor(text, phrase, actors = ACTORS) {
  const start = text.indexOf(phrase);
  assert.ok(start >= 0, `"${phrase}" is not in the text`);
  assert.equal(text.indexOf(phrase, start + 1), -1, `"${phrase}" occurs twice`);
  const suggestion = suggestActor(text, start, start + phrase.length, actors);
  if (suggestion === null) return null;
  const { actorId, reason, why, match } = suggestion;
  return { actorId, reason, why, named: text.slice(match.start, match.end) };
}

describe("suggestActor on the travel card article", () => {
  test("a quotation after 'Ines Calloway, who said ..., because:' suggests her", () => {
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "a traceable card becomes a diary"), {
      actorId: 3,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "Ines Calloway",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "“Without them,"), {
      actorId: 3,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "Ines Calloway",
    });
  });

  test("the match points at her name in the lead-in paragraph", () => {
    const start = TRACKING_ARTICLE.indexOf("a trail that lasts for years");
    const suggestion = suggestActor(TRACKING_ARTICLE, start, start + 28, ACTORS);
    const named = TRACKING_ARTICLE.indexOf("Ines Calloway");
    assert.deepEqual(suggestion, {
      actorId: 3,
      reason: "attribution",
      why: "speaker of this quotation",
      match: { start: named, end: named + 13 },
    });
  });

  test("the lead-in sentence itself names its speaker", () => {
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "strict limits on access had to come first"), {
      actorId: 3,
      reason: "sentence",
      why: "said in this sentence",
      named: "Ines Calloway",
    });
  });

  test("Mara Quill's quotations suggest her through 'she said'", () => {
    // "she" refers back to the subject of the sentence before, not its last name (her
    // institute, an alias of hers).
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "another door left unlocked"), {
      actorId: 1,
      reason: "attribution",
      why: "‘she’ refers back to Mara Quill",
      named: "Mara Quill",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "protect every other rider too"), {
      actorId: 1,
      reason: "attribution",
      why: "‘she’ refers back to Mara Quill",
      named: "Mara Quill",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "studies data protection"), {
      actorId: 1,
      reason: "sentence",
      why: "named in this sentence",
      named: "Mara Quill",
    });
  });

  test("'Card firms argue that this kind of privacy...' suggests the card firms", () => {
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "this kind of privacy is owed to every rider"), {
      actorId: 4,
      reason: "sentence",
      why: "said in this sentence",
      named: "Card firms",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "Card firms argue that this kind of privacy"), {
      actorId: 4,
      reason: "selection",
      why: "said in the selection",
      named: "Card firms",
    });
    // The next sentence has no name: the attribution before it in the paragraph counts.
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "every card easier to misuse"), {
      actorId: 4,
      reason: "attribution",
      why: "‘they’ refers back to Card firms",
      named: "Card firms",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "resistance from"), {
      actorId: 4,
      reason: "sentence",
      why: "named in this sentence",
      named: "card companies",
    });
  });

  test("Tobias Renn's quotation suggests him, not the FOSC in his title", () => {
    // "Tobias Renn, Head of Safeguarding at FOSC, disagreed": the head of the apposition is
    // the subject; his title is an alias of his, and at one position the longest name wins.
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "fund the search teams and the help points"), {
      actorId: 2,
      reason: "sentence",
      why: "speaker of this quotation",
      named: "Tobias Renn",
    });
    // The selection names him but holds no verb: the sentence's attribution decides.
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "Renn, Head of Safeguarding at FOSC"), {
      actorId: 2,
      reason: "sentence",
      why: "said in this sentence",
      named: "Tobias Renn",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "Head of Safeguarding at FOSC, disagreed"), {
      actorId: 2,
      reason: "sentence",
      why: "said in this sentence",
      named: "Tobias Renn",
    });
  });

  test("the speaker of the sentence wins over the first actor named in the selection", () => {
    assert.deepEqual(
      suggestFor(TRACKING_ARTICLE, "Night Bus Watch’s chief executive, Ines Calloway"),
      { actorId: 3, reason: "sentence", why: "said in this sentence", named: "Ines Calloway" },
    );
    // Nothing attributes these words: the actor they name is the suggestion.
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "Figures gathered by FOSC"), {
      actorId: 5,
      reason: "selection",
      why: "named in the selection",
      named: "FOSC",
    });
    assert.deepEqual(suggestFor(TRACKING_ARTICLE, "340 children went missing"), {
      actorId: 5,
      reason: "sentence",
      why: "named in this sentence",
      named: "FOSC",
    });
  });

  test("no actor anywhere near gives null", () => {
    assert.equal(suggestFor(TRACKING_ARTICLE, "clear places for them to go for help"), null);
    assert.equal(suggestFor(TRACKING_ARTICLE, "notice the signs"), null);
    assert.equal(suggestFor(TRACKING_ARTICLE, "Sealed cards leave searchers"), null);
    assert.equal(suggestFor(TRACKING_ARTICLE, "Some companies have threatened"), null);
    assert.equal(suggestFor(TRACKING_ARTICLE, "Their\u00a0courses"), null);
  });
});

describe("suggestActor on the commissioner and figures articles", () => {
  test("'They also say' resolves to the operators in the paragraph before", () => {
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "leave every card less safe"), {
      actorId: 4,
      reason: "attribution",
      why: "‘they’ refers back to Card firms",
      named: "operators",
    });
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "extra shelter to people"), {
      actorId: 4,
      reason: "sentence",
      why: "said in this sentence",
      named: "operators",
    });
  });

  test("'according to ... children’s charity FOSC' suggests FOSC, never 'OSC'", () => {
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "2,318 reports of missing pupils"), {
      actorId: 5,
      reason: "sentence",
      why: "said in this sentence",
      named: "children’s charity",
    });
  });

  test("quotation paragraphs after 'The OSC said: “...' suggest Owen Marlowe", () => {
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "children who travel alone"), {
      actorId: 7,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "OSC",
    });
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "put its new duties into practice"), {
      actorId: 7,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "OSC",
    });
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "reiterating his support"), {
      actorId: 7,
      reason: "sentence",
      why: "said in this sentence",
      named: "OSC",
    });
  });

  test("a quotation continued past a crosshead goes back to 'FOSC ... said:'", () => {
    assert.deepEqual(suggestFor(FIGURES_ARTICLE, "journeys that could have been made safer"), {
      actorId: 5,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "FOSC",
    });
  });

  test("'He said:' with no actor named before it suggests nobody, not an earlier speaker", () => {
    assert.equal(suggestFor(FIGURES_ARTICLE, "small team of trained staff"), null);
    assert.equal(suggestFor(FIGURES_ARTICLE, "Our first duty"), null);
  });
});

describe("suggestActor patterns", () => {
  test("'“...,” said X' after a quotation", () => {
    const text = "“Privacy matters,” said Quill.";
    assert.deepEqual(suggestFor(text, "Privacy matters"), {
      actorId: 1,
      reason: "sentence",
      why: "speaker of this quotation",
      named: "Quill",
    });
  });

  test("an attribution after the quotation closes, a sentence later", () => {
    const text = "Calloway spoke first. “Privacy matters. It protects people,” said Quill.";
    assert.deepEqual(suggestFor(text, "Privacy matters"), {
      actorId: 1,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "Quill",
    });
  });

  test("names match whatever their case, NBSP or apostrophe", () => {
    assert.deepEqual(suggestFor("The words of ines\u00a0CALLOWAY were clear.", "The words"), {
      actorId: 3,
      reason: "sentence",
      why: "named in this sentence",
      named: "ines\u00a0CALLOWAY",
    });
    assert.deepEqual(suggestFor("The children’s charity warned of harm.", "of harm"), {
      actorId: 5,
      reason: "sentence",
      why: "said in this sentence",
      named: "children’s charity",
    });
    assert.deepEqual(suggestFor("Ask the FOSC's team.", "team"), {
      actorId: 5,
      reason: "sentence",
      why: "named in this sentence",
      named: "FOSC's",
    });
  });

  test("names match on word boundaries only", () => {
    assert.equal(suggestFor("Three OSCs met the NBWs.", "Three"), null);
    assert.deepEqual(suggestFor("The FOSC and the OSC met.", "The FOSC and the OSC"), {
      actorId: 5,
      reason: "selection",
      why: "named in the selection",
      named: "FOSC",
    });
    // A selection that cuts a name in half does not name the actor.
    const text = "Marlowe agreed.";
    assert.equal(suggestActor(text, 2, 7, [ACTORS[6]]).reason, "sentence");
  });

  test("she/he skip organisations, they/it skip persons", () => {
    assert.deepEqual(suggestFor("Mara Quill met the FOSC. She said “no”.", "no"), {
      actorId: 1,
      reason: "attribution",
      why: "‘she’ refers back to Mara Quill",
      named: "Mara Quill",
    });
    assert.deepEqual(suggestFor("The FOSC met Mara Quill. They said “yes”.", "yes"), {
      actorId: 5,
      reason: "attribution",
      why: "‘they’ refers back to FOSC",
      named: "FOSC",
    });
    // The annotate page sends no kinds: they are read from the names (FOSC is no person).
    const kindless = ACTORS.map(({ kind: _kind, ...actor }) => actor);
    assert.deepEqual(suggestFor("Mara Quill met the FOSC. She said “no”.", "no", kindless), {
      actorId: 1,
      reason: "attribution",
      why: "‘she’ refers back to Mara Quill",
      named: "Mara Quill",
    });
  });

  test("an actor without a kind is a person, a collective or an organisation by its name", () => {
    const kinds = [
      "Rani Govender",
      "Detective Liam Doherty",
      "Home Office",
      "Internet Watch Foundation",
      "Tech firms",
      "NSPCC",
      "Signal",
      "UK Government",
    ].map((name) => actorKind({ name }));
    assert.deepEqual(kinds, [
      "person",
      "person",
      "organisation",
      "organisation",
      "collective",
      "organisation",
      "organisation",
      "organisation",
    ]);
    assert.equal(actorKind({ name: "Home Office", kind: "person" }), "person");
  });

  test("a name listed for two actors goes to the first", () => {
    const actors = [
      { id: "a", name: "Alpha", aliases: ["the group"] },
      { id: "b", name: "Beta", aliases: ["The Group"] },
    ];
    assert.deepEqual(suggestFor("Then the group said no.", "said no", actors), {
      actorId: "a",
      reason: "sentence",
      why: "said in this sentence",
      named: "the group",
    });
  });

  test("no actors, or bad ranges", () => {
    assert.equal(suggestActor("Ines Calloway said so.", 0, 5, []), null);
    assert.throws(() => suggestActor("abc", 2, 1, ACTORS), RangeError);
    assert.throws(() => suggestActor("abc", 0, 4, ACTORS), RangeError);
    assert.throws(() => suggestActor(null, 0, 0, ACTORS), TypeError);
    assert.throws(() => suggestActor("abc", 0, 1, null), TypeError);
  });
});

test("compileActorMatcher finds every naming, longest first, and is cached per array", () => {
  const matcher = compileActorMatcher(ACTORS);
  assert.equal(compileActorMatcher(ACTORS), matcher);
  const text = "the Head of Safeguarding at FOSC, and the FOSC’s NBW; OSCs; Card Firms.";
  assert.deepEqual(
    matcher.mentions(text).map((m) => [text.slice(m.start, m.end), m.actor.id]),
    [
      ["Head of Safeguarding at FOSC", 2],
      ["FOSC’s", 5],
      ["NBW", 3],
      ["Card Firms", 4],
    ],
  );
  assert.deepEqual(
    matcher.mentions(text, 38, 49).map((m) => [m.start, m.end]),
    [[42, 48]],
  );
});

// Actors of the encryption debate as the annotate page sends them: no kinds.
const DEBATE_ACTORS = [
  { id: 11, name: "Rani Govender", aliases: ["Govender"] },
  { id: 12, name: "Tech firms", aliases: ["platforms", "tech firms", "the firms"] },
  { id: 13, name: "Kate Robertson", aliases: [] },
  { id: 14, name: "Citizen Lab", aliases: [] },
  { id: 15, name: "John Campion", aliases: ["PCC"] },
  { id: 16, name: "Jim Killock", aliases: [] },
  { id: 17, name: "Open Rights Group", aliases: [] },
];
const debateSuggestion = (text, phrase) => suggestFor(text, phrase, DEBATE_ACTORS);

describe("suggestActor reads reported speech", () => {
  const GOVENDER =
    "Rani Govender, senior policy officer at the NSPCC, said the choice between safety and " +
    "privacy is a false one. In her view, platforms should invest in technical solutions " +
    "that can find grooming without breaking privacy.";

  test("'platforms' inside Rani Govender's reported speech is not the speaker", () => {
    assert.deepEqual(debateSuggestion(GOVENDER, "platforms should invest in technical solutions"), {
      actorId: 11,
      reason: "attribution",
      why: "‘her’ refers back to Rani Govender",
      named: "Rani Govender",
    });
    assert.deepEqual(debateSuggestion(GOVENDER, GOVENDER), {
      actorId: 11,
      reason: "selection",
      why: "said in the selection",
      named: "Rani Govender",
    });
  });

  test("the head of an apposition speaks, not the body named in it", () => {
    const text =
      "Kate Robertson, of the University of Toronto’s Citizen Lab, said scanning tools could " +
      "be turned to other uses.";
    assert.deepEqual(debateSuggestion(text, "scanning tools could be turned"), {
      actorId: 13,
      reason: "sentence",
      why: "said in this sentence",
      named: "Kate Robertson",
    });
  });

  test("an attribution in the sentence before, or earlier in the paragraph", () => {
    const text =
      "The tech firms disagree. A backdoor for the police is a backdoor for criminals. It " +
      "would leave every user less safe.";
    assert.deepEqual(debateSuggestion(text, "a backdoor for criminals"), {
      actorId: 12,
      reason: "attribution",
      why: "said in the sentence before",
      named: "tech firms",
    });
    assert.deepEqual(debateSuggestion(text, "every user less safe"), {
      actorId: 12,
      reason: "attribution",
      why: "said earlier in this paragraph",
      named: "tech firms",
    });
  });

  test("a verb inside the words another verb attributes belongs to the outer speaker", () => {
    const text = "Jim Killock said the Open Rights Group agreed.";
    assert.deepEqual(debateSuggestion(text, "the Open Rights Group agreed"), {
      actorId: 16,
      reason: "sentence",
      why: "said in this sentence",
      named: "Jim Killock",
    });
  });

  test("a speaker who is not an actor gives null, whatever the words name", () => {
    const text =
      "A spokeswoman for Snap said the platforms already find known images.\n\n" +
      "Then Professor Alan Marsh gave evidence. He said the firms were right.";
    assert.equal(debateSuggestion(text, "the platforms already find known images"), null);
    assert.equal(debateSuggestion(text, "the firms were right"), null);
  });

  test("'he' after a spokesman's words refers back to the body he speaks for", () => {
    const actors = [{ id: 21, name: "Home Office", aliases: [] }];
    const text =
      "A spokesman for the Home Office said the powers were limited.\n\n" +
      "He added: “Encryption is no excuse for letting abuse go unseen.”";
    assert.deepEqual(suggestFor(text, "Encryption is no excuse", actors), {
      actorId: 21,
      reason: "attribution",
      why: "‘he’ refers back to Home Office",
      named: "Home Office",
    });
  });

  test("a title first, the name later: the title stands for the person", () => {
    const text =
      "The police and crime commissioner told a meeting on Monday that scanning was overdue.\n\n" +
      "Last month the Police and Crime Commissioner, John Campion, wrote to ministers.";
    assert.deepEqual(debateSuggestion(text, "scanning was overdue"), {
      actorId: 15,
      reason: "attribution",
      why: "‘police and crime commissioner’ is John Campion",
      named: "John Campion",
    });
  });

  test("a surname after the full name says whom it stands for", () => {
    const text =
      "Kate Robertson studies spyware.\n\nRobertson said the law would be copied abroad.";
    assert.deepEqual(debateSuggestion(text, "the law would be copied abroad"), {
      actorId: 13,
      reason: "sentence",
      why: "‘Robertson’ refers back to Kate Robertson",
      named: "Robertson",
    });
  });

  test("a quotation goes on past a stray line and across paragraphs to its closing 'said X'", () => {
    const continued =
      "Jim Killock said: “This law is written for a problem technology cannot solve.\n\n" +
      "See also:\n\n" +
      "“Ministers should listen to the cryptographers.”";
    assert.deepEqual(debateSuggestion(continued, "Ministers should listen"), {
      actorId: 16,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "Jim Killock",
    });
    const closing =
      "“Nobody is proposing to read people’s messages.\n\n" +
      "“What we propose is that known images are stopped,” said Rani Govender.";
    assert.deepEqual(debateSuggestion(closing, "Nobody is proposing"), {
      actorId: 11,
      reason: "attribution",
      why: "speaker of this quotation",
      named: "Rani Govender",
    });
  });
});
