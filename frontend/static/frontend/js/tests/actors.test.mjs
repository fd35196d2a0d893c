import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { compileActorMatcher, suggestActor } from "../actors.js";

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

// Paragraphs copied from /work/shared/corpus/004_079dea7c6229eeac.txt.
const ARTICLE_004 = [
  "Currently, it faces a backlash from tech companies over new rules that state they should be able to access the content of private messages if there is a concern for child safety.",
  "Tech firms have argued against ending end to end encryption as a measure to prevent online groomingMany popular messaging apps offer an encrypted online messaging service, which means that only the sender and recipient can view the content of the message.",
  "Tech firms argue that this privacy function is available to everybody and can offer extra protection to many who need it, such as victims of domestic abuse, journalists and political activists. They are reluctant to build in a ‘backdoor’, saying this would make their services less secure for all users.",
  "Some companies have threatened to leave the UK altogether rather than comply with this new rule.",
  "Kate Robertson is a Senior Research Associate at Citizen Lab, which is an organisation that studies security on the internet. Speaking to the BBC this week, she said that “we shouldn’t be drilling more holes in internet safety,” and argued that encryption “is an important source of safety for vulnerable individuals and it’s also an important safety net for privacy itself.”",
  "Encrypted messages offer a ‘smokescreen’ for online grooming",
  "Do encrypted messages offer a smokescreen for online abusers?However, the Senior Policy Officer at the NSPCC, Rani Govender, disagreed that there had to be “a trade-off between safety and privacy,” saying it was rather “about investing in those technical solutions which we know are out there, that can deliver for the privacy and safety of all users on these services.”",
  "The NSPCC also wants to ensure that the new legislation will regulate new technologies, such as artificial intelligence (AI) in order to keep children safe.",
  "This call was supported by the Chief Executive of the Internet Watch Foundation, Susie Hargreaves, who said robust safety measures must be introduced, because:",
  "“Without them, end-to-end encryption will be a smokescreen for abusers, helping them hide what they’re doing, and enabling them to continue to hurt children and destroy young lives.”",
  "The data obtained by the NSPCC shows that 150 different apps, games and websites were used to groom children online.",
  "They work with a large number of early years, schools and childcare providers, as well as colleges, youth groups and children’s services. Their\u00a0courses include Safeguarding Children.",
  "A trainer from FRT says:",
  "“Safeguarding children means protecting them off and online. It’s so important that we are mindful of the harms they could be exposed to online and that there are mechanisms in place to protect them, and to offer them help and support when they need it most.",
  "“It’s vital that anyone who works with children and young people is aware of their responsibility for safeguarding children and that they can recognise the signs that indicate a child may be experiencing abuse, and know the correct action to take in response.”",
].join("\n\n");

// Paragraphs copied from /work/shared/corpus/000_6b1cacffedc67ac3.txt.
const ARTICLE_000 = [
  "However, these privacy functions are available to everybody, and the platforms say they offer extra protection to victims of domestic abuse, journalists and political activists, among others.",
  "They also say that if they build in a backdoor, it will make their services less secure for all.",
  "According to latest data from the leading children’s charity NSPCC, 1,654 online grooming cases have been recorded across four police forces over the past six years, including those reported to West Mercia Police.",
  "The Online Safety Bill is due to come into effect this autumn and as part of his plan to build a safer West Mercia for all including online communities, the PCC is reiterating his support for the legislation.",
  "The PCC said: “Although I am encouraged by the volume of people coming forward to report online grooming, the numbers are truly astonishing.",
  "“As part of my Safer West Mercia Plan, I am committed to protecting all communities, which includes vulnerable users of the internet and ensuring they don’t become a victim of crime.",
  "“I am assured the Online Safety Bill will action the laws needed to keep people safe online and I will ensure West Mercia Police are taking action to implement the measures incorporated in the legislation.”",
].join("\n\n");

// Paragraphs copied from /work/shared/corpus/002_c5ea497f09938d48.txt.
const ARTICLE_002 = [
  "The charity is calling on the Government to publish its final plans before the end of the year, and get an Online Harms Bill on the statute book by the end of 2021.",
  "Andy Burrows, NSPCC Head of Child Safety Online Policy, said: “These figures suggest that online abuse was already rising before lockdown, and the risks to children appear to have spiked significantly since.",
  "Prioritise",
  "“It is now almost 17 months since the Government’s original proposals for social media regulation were published and children continue to face preventable harm online.",
  "Head of crime and vulnerability at West Mercia Police, Chief Superintendent Damian Barratt, said the force is satisfied that the increase in the number of offences is due to the offences being prioritised by the force.",
  "He said: “These figures demonstrate that we are proactively seeking out criminals involved in online child sex crimes to bring them to justice. Our absolute priority is safeguarding those who are vulnerable, which of course includes children and the increased risks they face online.",
  "“We have a team of specially trained officers dedicated to identifying and arresting offenders who are involved in online sex offences.",
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

describe("suggestActor on article 004", () => {
  test("a quotation after 'Susie Hargreaves, who said ..., because:' suggests her", () => {
    assert.deepEqual(suggestFor(ARTICLE_004, "end-to-end encryption will be a smokescreen for abusers"), {
      actorId: 3,
      reason: "attribution",
      named: "Susie Hargreaves",
    });
    assert.deepEqual(suggestFor(ARTICLE_004, "“Without them,"), {
      actorId: 3,
      reason: "attribution",
      named: "Susie Hargreaves",
    });
  });

  test("the match points at her name in the lead-in paragraph", () => {
    const start = ARTICLE_004.indexOf("destroy young lives");
    const suggestion = suggestActor(ARTICLE_004, start, start + 19, ACTORS);
    const named = ARTICLE_004.indexOf("Susie Hargreaves");
    assert.deepEqual(suggestion, {
      actorId: 3,
      reason: "attribution",
      match: { start: named, end: named + 16 },
    });
  });

  test("the lead-in sentence itself names its speaker", () => {
    assert.deepEqual(suggestFor(ARTICLE_004, "robust safety measures must be introduced"), {
      actorId: 3,
      reason: "sentence",
      named: "Susie Hargreaves",
    });
  });

  test("Kate Robertson's quotations suggest her through 'she said'", () => {
    assert.deepEqual(suggestFor(ARTICLE_004, "drilling more holes in internet safety"), {
      actorId: 1,
      reason: "attribution",
      named: "Citizen Lab",
    });
    assert.deepEqual(suggestFor(ARTICLE_004, "an important safety net for privacy itself"), {
      actorId: 1,
      reason: "attribution",
      named: "Citizen Lab",
    });
    assert.deepEqual(suggestFor(ARTICLE_004, "studies security on the internet"), {
      actorId: 1,
      reason: "sentence",
      named: "Kate Robertson",
    });
  });

  test("'Tech firms argue that this privacy function...' suggests the tech firms", () => {
    assert.deepEqual(suggestFor(ARTICLE_004, "this privacy function is available to everybody"), {
      actorId: 4,
      reason: "sentence",
      named: "Tech firms",
    });
    assert.deepEqual(suggestFor(ARTICLE_004, "Tech firms argue that this privacy function"), {
      actorId: 4,
      reason: "selection",
      named: "Tech firms",
    });
    // The next sentence has no name: the attribution before it in the paragraph counts.
    assert.deepEqual(suggestFor(ARTICLE_004, "less secure for all users"), {
      actorId: 4,
      reason: "attribution",
      named: "Tech firms",
    });
    assert.deepEqual(suggestFor(ARTICLE_004, "backlash from"), {
      actorId: 4,
      reason: "sentence",
      named: "tech companies",
    });
  });

  test("Rani Govender's quotation suggests her, not the NSPCC in her title", () => {
    assert.deepEqual(suggestFor(ARTICLE_004, "about investing in those technical solutions"), {
      actorId: 2,
      reason: "sentence",
      named: "Rani Govender",
    });
    // At one position the longest name wins.
    assert.deepEqual(suggestFor(ARTICLE_004, "the Senior Policy Officer at the NSPCC"), {
      actorId: 2,
      reason: "selection",
      named: "Senior Policy Officer at the NSPCC",
    });
  });

  test("the first actor named in the selection wins", () => {
    assert.deepEqual(
      suggestFor(ARTICLE_004, "Chief Executive of the Internet Watch Foundation, Susie Hargreaves"),
      { actorId: 3, reason: "selection", named: "Internet Watch Foundation" },
    );
    assert.deepEqual(suggestFor(ARTICLE_004, "150 different apps"), {
      actorId: 5,
      reason: "sentence",
      named: "NSPCC",
    });
  });

  test("no actor anywhere near gives null", () => {
    assert.equal(suggestFor(ARTICLE_004, "mechanisms in place to protect them"), null);
    assert.equal(suggestFor(ARTICLE_004, "recognise the signs"), null);
    assert.equal(suggestFor(ARTICLE_004, "Encrypted messages offer a ‘smokescreen’"), null);
    assert.equal(suggestFor(ARTICLE_004, "Some companies have threatened"), null);
    assert.equal(suggestFor(ARTICLE_004, "Their\u00a0courses"), null);
  });
});

describe("suggestActor on articles 000 and 002", () => {
  test("'They also say' resolves to the platforms in the paragraph before", () => {
    assert.deepEqual(suggestFor(ARTICLE_000, "less secure for all"), {
      actorId: 4,
      reason: "attribution",
      named: "platforms",
    });
    assert.deepEqual(suggestFor(ARTICLE_000, "extra protection to victims"), {
      actorId: 4,
      reason: "sentence",
      named: "platforms",
    });
  });

  test("'according to ... children’s charity NSPCC' suggests the NSPCC, never 'PCC'", () => {
    assert.deepEqual(suggestFor(ARTICLE_000, "1,654 online grooming cases"), {
      actorId: 5,
      reason: "sentence",
      named: "children’s charity",
    });
  });

  test("quotation paragraphs after 'The PCC said: “...' suggest John Campion", () => {
    assert.deepEqual(suggestFor(ARTICLE_000, "vulnerable users of the internet"), {
      actorId: 7,
      reason: "attribution",
      named: "PCC",
    });
    assert.deepEqual(suggestFor(ARTICLE_000, "measures incorporated in the legislation"), {
      actorId: 7,
      reason: "attribution",
      named: "PCC",
    });
    assert.deepEqual(suggestFor(ARTICLE_000, "reiterating his support"), {
      actorId: 7,
      reason: "sentence",
      named: "PCC",
    });
  });

  test("a quotation continued past a crosshead goes back to 'NSPCC ... said:'", () => {
    assert.deepEqual(suggestFor(ARTICLE_002, "preventable harm online"), {
      actorId: 5,
      reason: "attribution",
      named: "NSPCC",
    });
  });

  test("'He said:' with no actor named before it suggests nobody, not an earlier speaker", () => {
    assert.equal(suggestFor(ARTICLE_002, "specially trained officers"), null);
    assert.equal(suggestFor(ARTICLE_002, "Our absolute priority"), null);
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
