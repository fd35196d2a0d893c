import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { compileActorMatcher, suggestActor } from "../../static/frontend/js/actors.js";

// The demo debate's actors, as debate/demo seeds them.
const ACTORS = [
  { id: 1, name: "Kate Robertson", kind: "person", aliases: ["Robertson", "Citizen Lab"] },
  {
    id: 2,
    name: "Rani Govender",
    kind: "person",
    aliases: ["Govender", "Senior Policy Officer at the NSPCC"],
  },
  {
    id: 3,
    name: "Susie Hargreaves",
    kind: "person",
    aliases: ["Hargreaves", "Internet Watch Foundation", "IWF"],
  },
  {
    id: 4,
    name: "Tech firms",
    kind: "collective",
    aliases: [
      "tech firms",
      "tech companies",
      "technology companies",
      "technology firms",
      "platforms",
      "messaging apps",
      "the companies",
    ],
  },
  {
    id: 5,
    name: "NSPCC",
    kind: "organisation",
    aliases: ["the charity", "children's charity", "NSPCC\u2019s"],
  },
  {
    id: 6,
    name: "Home Office",
    kind: "organisation",
    aliases: ["Home Office spokesman", "Home Secretary"],
  },
  { id: 7, name: "John Campion", kind: "person", aliases: ["Campion", "PCC"] },
  { id: 8, name: "Peter Wanless", kind: "person", aliases: ["Wanless"] },
];

// Three news articles written for these tests (not taken from any corpus), each laid out the
// way scraped articles arrive: paragraphs separated by blank lines, a crosshead glued to the
// next sentence, quotations that run over several paragraphs, a lead-in ending with "because:".

// The encryption row: tech firms, Kate Robertson, Rani Govender and Susie Hargreaves.
const SCANNING_ARTICLE = [
  "For now, it faces pushback from tech companies over draft rules that would let a regulator demand access to private messages wherever a child may be in danger.",
  "Tech firms have argued against weakening end-to-end encryption as a way to stop online groomingMost popular messaging apps now encrypt chats by default, so only the two people in a conversation can read what is sent.",
  "Tech firms argue that this kind of privacy is open to everybody and gives extra protection to people who rely on it, such as survivors of domestic abuse, reporters and campaigners. They will not build in a ‘backdoor’, saying it would leave their services less secure for every user.",
  "Some companies have threatened to withdraw their apps from the UK market if the rule stands.",
  "Kate Robertson works as a senior research associate at Citizen Lab, a university group that studies digital security and surveillance. In an interview this week, she said that “every new way into private messages is another hole in the net,” and argued that encryption “keeps people who are already at risk out of reach, and holds up privacy for everyone else.”",
  "Encrypted chats give groomers a ‘hiding place’",
  "Are encrypted chats a hiding place for abusers?Rani Govender, Senior Policy Officer at the NSPCC, disagreed that families must accept “a choice between safety and privacy,” saying the answer was rather “to put real money into the detection tools that already exist and can protect every user of these apps.”",
  "The NSPCC also wants the law to reach newer technology, artificial intelligence (AI) included, so that children stay protected.",
  "This demand had the backing of the Internet Watch Foundation’s chief executive, Susie Hargreaves, who said firm safeguards had to come first, because:",
  "“Without them, end-to-end encryption becomes a blindfold that lets abusers work unseen, reaching children and causing harm that lasts a lifetime.”",
  "Figures gathered by the NSPCC show that groomers used 120 separate apps, games and sites to contact children last year.",
  "The company trains staff at nurseries, schools and childminders, as well as colleges, youth clubs and children’s services. Their\u00a0courses cover online safeguarding.",
  "A trainer from the company says:",
  "“Keeping children safe means looking after them on screen as well as off it. We need to understand the risks they meet online and make sure there are clear routes for them to ask for help when they need it.",
  "“Everyone who works with young people should know their duty to protect them, spot the warning signs of abuse and know what to do next.”",
].join("\n\n");

// A police commissioner backs the new law; the platforms answer him.
const COMMISSIONER_ARTICLE = [
  "Yet the same privacy is there for anyone who wants it, and the platforms say it gives extra cover to survivors of domestic abuse, reporters and campaigners, among many others.",
  "They also say that any backdoor built for scanning would leave every user less safe.",
  "According to new figures from the children’s charity NSPCC, police forces logged 2,318 grooming offences in the past five years, including cases reported to the county’s own force.",
  "With the Online Safety Bill expected to take effect in the autumn, the PCC is reiterating his backing for the law as part of his plan for a safer county.",
  "The PCC said: “It is good that more people now feel able to report grooming, but the scale of it is shocking.",
  "“My plan for the county is about protecting every community, and that includes people who are vulnerable online and could become victims of crime.",
  "“The bill will give officers the powers they need, and I will make sure our force puts its new duties into practice.”",
].join("\n\n");

// A quotation continued past a crosshead, then a police officer who is not an actor.
const FIGURES_ARTICLE = [
  "The charity is calling on ministers to publish their final plans before the year is out and to pass an online harms law by the end of 2021.",
  "Sam Ellery, NSPCC head of online child safety policy, said: “These numbers show online abuse was climbing before lockdown, and the danger to children seems to have jumped sharply since.",
  "Priorities",
  "“Almost a year and a half has passed since ministers first set out plans to regulate social media, and children still come to harm online that could have been prevented.",
  "The head of public protection at the force, Detective Superintendent Tom Hale, said the rise in recorded offences reflected a decision to make them a priority.",
  "He said: “The rise shows we are going after people who abuse children online and bringing them before the courts. Our first duty is to protect the vulnerable, and that means children above all.",
  "“A dedicated team of trained officers works to identify and arrest those offenders.",
].join("\n\n");

// The selection is the one occurrence of phrase; the answer is reported with the words that
// named the actor, so a wrong match shows up even when the actor is right.
function suggestFor(text, phrase, actors = ACTORS) {
  const start = text.indexOf(phrase);
  assert.ok(start >= 0, `"${phrase}" is not in the text`);
  assert.equal(text.indexOf(phrase, start + 1), -1, `"${phrase}" occurs twice`);
  const suggestion = suggestActor(text, start, start + phrase.length, actors);
  if (suggestion === null) return null;
  const { actorId, reason, match } = suggestion;
  return { actorId, reason, named: text.slice(match.start, match.end) };
}

describe("suggestActor on the scanning article", () => {
  test("a quotation after 'Susie Hargreaves, who said ..., because:' suggests her", () => {
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "end-to-end encryption becomes a blindfold"), {
      actorId: 3,
      reason: "attribution",
      named: "Susie Hargreaves",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "“Without them,"), {
      actorId: 3,
      reason: "attribution",
      named: "Susie Hargreaves",
    });
  });

  test("the match points at her name in the lead-in paragraph", () => {
    const start = SCANNING_ARTICLE.indexOf("harm that lasts a lifetime");
    const suggestion = suggestActor(SCANNING_ARTICLE, start, start + 26, ACTORS);
    const named = SCANNING_ARTICLE.indexOf("Susie Hargreaves");
    assert.deepEqual(suggestion, {
      actorId: 3,
      reason: "attribution",
      match: { start: named, end: named + 16 },
    });
  });

  test("the lead-in sentence itself names its speaker", () => {
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "firm safeguards had to come first"), {
      actorId: 3,
      reason: "sentence",
      named: "Susie Hargreaves",
    });
  });

  test("Kate Robertson's quotations suggest her through 'she said'", () => {
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "another hole in the net"), {
      actorId: 1,
      reason: "attribution",
      named: "Citizen Lab",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "holds up privacy for everyone else"), {
      actorId: 1,
      reason: "attribution",
      named: "Citizen Lab",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "studies digital security"), {
      actorId: 1,
      reason: "sentence",
      named: "Kate Robertson",
    });
  });

  test("'Tech firms argue that this kind of privacy...' suggests the tech firms", () => {
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "this kind of privacy is open to everybody"), {
      actorId: 4,
      reason: "sentence",
      named: "Tech firms",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "Tech firms argue that this kind of privacy"), {
      actorId: 4,
      reason: "selection",
      named: "Tech firms",
    });
    // The next sentence has no name: the attribution before it in the paragraph counts.
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "less secure for every user"), {
      actorId: 4,
      reason: "attribution",
      named: "Tech firms",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "pushback from"), {
      actorId: 4,
      reason: "sentence",
      named: "tech companies",
    });
  });

  test("Rani Govender's quotation suggests her through her title, not the NSPCC in it", () => {
    // "Rani Govender, Senior Policy Officer at the NSPCC, disagreed": the title right before
    // the verb is her alias, and at one position the longest name wins.
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "put real money into the detection tools"), {
      actorId: 2,
      reason: "sentence",
      named: "Senior Policy Officer at the NSPCC",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "Govender, Senior Policy Officer at the NSPCC"), {
      actorId: 2,
      reason: "selection",
      named: "Govender",
    });
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "Senior Policy Officer at the NSPCC, disagreed"), {
      actorId: 2,
      reason: "selection",
      named: "Senior Policy Officer at the NSPCC",
    });
  });

  test("the first actor named in the selection wins", () => {
    assert.deepEqual(
      suggestFor(SCANNING_ARTICLE, "the Internet Watch Foundation’s chief executive, Susie Hargreaves"),
      { actorId: 3, reason: "selection", named: "Internet Watch Foundation" },
    );
    assert.deepEqual(suggestFor(SCANNING_ARTICLE, "120 separate apps"), {
      actorId: 5,
      reason: "sentence",
      named: "NSPCC",
    });
  });

  test("no actor anywhere near gives null", () => {
    assert.equal(suggestFor(SCANNING_ARTICLE, "clear routes for them to ask for help"), null);
    assert.equal(suggestFor(SCANNING_ARTICLE, "spot the warning signs"), null);
    assert.equal(suggestFor(SCANNING_ARTICLE, "Encrypted chats give groomers"), null);
    assert.equal(suggestFor(SCANNING_ARTICLE, "Some companies have threatened"), null);
    assert.equal(suggestFor(SCANNING_ARTICLE, "Their\u00a0courses"), null);
  });
});

describe("suggestActor on the commissioner and figures articles", () => {
  test("'They also say' resolves to the platforms in the paragraph before", () => {
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "leave every user less safe"), {
      actorId: 4,
      reason: "attribution",
      named: "platforms",
    });
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "extra cover to survivors"), {
      actorId: 4,
      reason: "sentence",
      named: "platforms",
    });
  });

  test("'according to ... children’s charity NSPCC' suggests the NSPCC, never 'PCC'", () => {
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "2,318 grooming offences"), {
      actorId: 5,
      reason: "sentence",
      named: "children’s charity",
    });
  });

  test("quotation paragraphs after 'The PCC said: “...' suggest John Campion", () => {
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "people who are vulnerable online"), {
      actorId: 7,
      reason: "attribution",
      named: "PCC",
    });
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "puts its new duties into practice"), {
      actorId: 7,
      reason: "attribution",
      named: "PCC",
    });
    assert.deepEqual(suggestFor(COMMISSIONER_ARTICLE, "reiterating his backing"), {
      actorId: 7,
      reason: "sentence",
      named: "PCC",
    });
  });

  test("a quotation continued past a crosshead goes back to 'NSPCC ... said:'", () => {
    assert.deepEqual(suggestFor(FIGURES_ARTICLE, "harm online that could have been prevented"), {
      actorId: 5,
      reason: "attribution",
      named: "NSPCC",
    });
  });

  test("'He said:' with no actor named before it suggests nobody, not an earlier speaker", () => {
    assert.equal(suggestFor(FIGURES_ARTICLE, "dedicated team of trained officers"), null);
    assert.equal(suggestFor(FIGURES_ARTICLE, "Our first duty"), null);
  });
});

describe("suggestActor patterns", () => {
  test("'“...,” said X' after a quotation", () => {
    const text = "“Encryption matters,” said Robertson.";
    assert.deepEqual(suggestFor(text, "Encryption matters"), {
      actorId: 1,
      reason: "sentence",
      named: "Robertson",
    });
  });

  test("an attribution after the quotation closes, a sentence later", () => {
    const text = "Hargreaves spoke first. “Encryption matters. It protects people,” said Robertson.";
    assert.deepEqual(suggestFor(text, "Encryption matters"), {
      actorId: 1,
      reason: "attribution",
      named: "Robertson",
    });
  });

  test("names match whatever their case, NBSP or apostrophe", () => {
    assert.deepEqual(suggestFor("The words of susie\u00a0HARGREAVES were clear.", "The words"), {
      actorId: 3,
      reason: "sentence",
      named: "susie\u00a0HARGREAVES",
    });
    assert.deepEqual(suggestFor("The children’s charity warned of harm.", "of harm"), {
      actorId: 5,
      reason: "sentence",
      named: "children’s charity",
    });
    assert.deepEqual(suggestFor("Ask the NSPCC's team.", "team"), {
      actorId: 5,
      reason: "sentence",
      named: "NSPCC's",
    });
  });

  test("names match on word boundaries only", () => {
    assert.equal(suggestFor("Three PCCs met the IWFs.", "Three"), null);
    assert.deepEqual(suggestFor("The NSPCC and the PCC agreed.", "The NSPCC and the PCC"), {
      actorId: 5,
      reason: "selection",
      named: "NSPCC",
    });
    // A selection that cuts a name in half does not name the actor.
    const text = "Campion agreed.";
    assert.equal(suggestActor(text, 2, 7, [ACTORS[6]]).reason, "sentence");
  });

  test("she/he skip organisations, they/it skip persons, when kinds are known", () => {
    assert.deepEqual(suggestFor("Kate Robertson met the NSPCC. She said “no”.", "no"), {
      actorId: 1,
      reason: "attribution",
      named: "Kate Robertson",
    });
    assert.deepEqual(suggestFor("The NSPCC met Kate Robertson. They said “yes”.", "yes"), {
      actorId: 5,
      reason: "attribution",
      named: "NSPCC",
    });
    const kindless = ACTORS.map(({ kind: _kind, ...actor }) => actor);
    assert.deepEqual(suggestFor("Kate Robertson met the NSPCC. She said “no”.", "no", kindless), {
      actorId: 5,
      reason: "attribution",
      named: "NSPCC",
    });
  });

  test("a name listed for two actors goes to the first", () => {
    const actors = [
      { id: "a", name: "Alpha", aliases: ["the group"] },
      { id: "b", name: "Beta", aliases: ["The Group"] },
    ];
    assert.deepEqual(suggestFor("Then the group said no.", "said no", actors), {
      actorId: "a",
      reason: "sentence",
      named: "the group",
    });
  });

  test("no actors, or bad ranges", () => {
    assert.equal(suggestActor("Susie Hargreaves said so.", 0, 5, []), null);
    assert.throws(() => suggestActor("abc", 2, 1, ACTORS), RangeError);
    assert.throws(() => suggestActor("abc", 0, 4, ACTORS), RangeError);
    assert.throws(() => suggestActor(null, 0, 0, ACTORS), TypeError);
    assert.throws(() => suggestActor("abc", 0, 1, null), TypeError);
  });
});

test("compileActorMatcher finds every naming, longest first, and is cached per array", () => {
  const matcher = compileActorMatcher(ACTORS);
  assert.equal(compileActorMatcher(ACTORS), matcher);
  const text = "the Senior Policy Officer at the NSPCC, and the NSPCC’s IWF; PCCs; Tech Firms.";
  assert.deepEqual(
    matcher.mentions(text).map((m) => [text.slice(m.start, m.end), m.actor.id]),
    [
      ["Senior Policy Officer at the NSPCC", 2],
      ["NSPCC’s", 5],
      ["IWF", 3],
      ["Tech Firms", 4],
    ],
  );
  assert.deepEqual(
    matcher.mentions(text, 44, 56).map((m) => [m.start, m.end]),
    [[48, 55]],
  );
});
