// Anonymous questions and a quick poll in a roundtable (issue 16), through
// the real pages: yoko sends a question from the roundtable's page before
// it starts, emma asks one in the room, and the moderator (hanako, a
// trained member, not an operator) sees both without a name, on the page
// and in every answer of the API her page reads. Votes reorder them; "on
// screen" shows one to everyone; a poll shows counts only, to operators
// too, who alone can find who sent a question (for an abuse report).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchIsolated, apiLogin, apiCall, screenshot, watchCSP } from "./harness.mjs";
import { watch, waitInCall, createRoundtable, WAIT, press } from "./room-lib.mjs";

let server, browsers;
const sink = { errors: [], logs: [] };
const csp = [];
before(async () => { server = await startServer(); browsers = await launchIsolated(server.url); });
after(async () => { await browsers?.close(); await server?.stop(); });

function report(e) {
  console.error("console:\n" + sink.logs.slice(-80).join("\n") + "\nerrors:\n" + sink.errors.join("\n") + "\nserver:\n" + server.logs().slice(-6000));
  throw e;
}

// person opens a context for one account, signs in, and keeps every API
// answer the page reads about questions and polls (reads[]).
async function person(email, viewport) {
  const ctx = await browsers.newContext(viewport);
  await watchCSP(ctx, csp);
  const page = await ctx.newPage();
  watch(page, email.split("@")[0], sink);
  const reads = [];
  page.on("response", async (res) => {
    if (/\/api\/v1\/roundtables\/[^/]+\/(questions|polls|audit)/.test(res.url())) reads.push({ url: res.url(), body: await res.text().catch(() => "") });
  });
  const auth = await apiLogin(page, server.url, email);
  return { page, reads, ...auth, id: auth.member.id, name: auth.member.display_name, email };
}

// questionTexts is the question list of a page, top first.
const questionTexts = (page) => page.$$eval("#questions-list li[data-id] .qa-text", (ps) => ps.map((p) => p.textContent));

// shots keeps a page at 360 and 1440 px, and puts it back.
async function shots(page, name) {
  const size = page.viewportSize();
  for (const width of [360, 1440]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= width, `${name} scrolls sideways at ${width} px (${wide} px)`);
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize(size);
}

test("questions: anonymous to the moderator, reordered by votes, on screen for all; a poll shows counts only", async () => {
  const op = await person("operator@zadankai.example", { width: 1440, height: 900 });
  const hanako = await person("hanako@sakura.example", { width: 1440, height: 900 });
  const yoko = await person("yoko@minato.example");
  const emma = await person("emma@minato.example");
  const rt = await createRoundtable(op, { title: "E2E 質問と投票", moderators: [hanako.id] });
  for (const m of [yoko, emma]) await apiCall(m.page, m.csrf, "POST", `/roundtables/${rt.id}/register`);

  // Before the start, from the roundtable's page: the form says who can ever see the sender.
  const yokoQ = "育休から復帰したとき、評価はどう決まりましたか？";
  await yoko.page.goto(`${server.url}/roundtables?id=${rt.id}`);
  const card = `article[data-id="${rt.id}"]`;
  await yoko.page.click(`${card} button[data-qa="ask"]`, { timeout: WAIT }).catch(report);
  assert.match(await yoko.page.textContent(`${card} .qa-note`), /モデレーターを含めて誰にも名前が表示されません/);
  assert.equal(await yoko.page.isChecked(`${card} .qa-ask input[name="anonymous"]`), true, "anonymous is not the default");
  await yoko.page.fill(`${card} .qa-ask textarea`, yokoQ);
  await shots(yoko.page, "questions-ask-page");
  await yoko.page.click(`${card} .qa-ask button[type="submit"]`);
  await yoko.page.waitForFunction(() => /質問を送りました/.test(document.getElementById("status").textContent), null, { timeout: WAIT }).catch(report);

  for (const p of [hanako, yoko, emma]) await p.page.goto(`${server.url}/room?roundtable=${rt.id}&autojoin=1`);
  for (const p of [hanako, yoko, emma]) await waitInCall(p.page, 2).catch(report);

  // emma asks in the room.
  const emmaQ = "Did you ask for shorter hours, and how?";
  await press(emma.page, "btn-qa");
  await emma.page.fill("#question-input", emmaQ);
  assert.match(await emma.page.textContent("#question-note"), /Only operators can see who sent one|運営スタッフが送った人を確認できます/);
  await emma.page.click("#question-send");

  // The moderator sees both, oldest first, with no name.
  await press(hanako.page, "btn-qa");
  await hanako.page.waitForFunction(() => document.querySelectorAll("#questions-list li[data-id]").length === 2, null, { timeout: WAIT }).catch(report);
  assert.deepEqual(await questionTexts(hanako.page), [yokoQ, emmaQ]);
  const panel = await hanako.page.textContent("#qa-panel");
  for (const who of [yoko, emma]) assert.ok(!panel.includes(who.name), `the moderator's panel names ${who.name}`);
  assert.equal(await hanako.page.locator("#questions-list .who").allTextContents().then((w) => w.every((x) => x === "匿名")), true);

  // Votes reorder: yoko and the moderator want emma's answered.
  for (const p of [yoko, hanako]) {
    if (p === yoko) await press(yoko.page, "btn-qa");
    const li = p.page.locator("#questions-list li[data-id]", { hasText: emmaQ });
    await li.locator('button[data-act="vote"]').click({ timeout: WAIT }).catch(report);
    await li.locator('button[data-act="unvote"]').waitFor({ timeout: WAIT }).catch(report);
  }
  await hanako.page.waitForFunction((q) => document.querySelector("#questions-list li[data-id] .qa-text")?.textContent === q, emmaQ, { timeout: WAIT }).catch(report);
  assert.equal(await hanako.page.getAttribute("#questions-list li[data-id]", "data-votes"), "2");

  // On screen: everyone in the room sees it over the stage.
  await hanako.page.click(`#questions-list li[data-id]:first-child button[data-act="on_screen"]`);
  for (const p of [hanako, yoko, emma]) {
    await p.page.waitForFunction((q) => !document.getElementById("on-screen").hidden && document.getElementById("on-screen").textContent.includes(q), emmaQ, { timeout: WAIT }).catch(report);
  }
  await shots(hanako.page, "questions-moderator");
  await shots(yoko.page, "questions-list-member");
  await emma.page.click("#qa-panel .panel-head button"); // on a phone the panel covers the stage
  await emma.page.waitForSelector("#on-screen", { state: "visible", timeout: WAIT }).catch(report);
  await shots(emma.page, "questions-on-screen");

  await poll(hanako, yoko, emma).catch(report);
  await nameNowhere(hanako, [yoko, emma]);

  // Operators read the poll in their feedback view, as counts.
  await op.page.goto(`${server.url}/operator`);
  const row = op.page.locator("#rt-polls .poll-result", { hasText: "復帰はいつでしたか？" });
  await row.waitFor({ timeout: WAIT }).catch(report);
  assert.deepEqual(await row.locator("li[data-count]").evaluateAll((lis) => lis.map((li) => li.dataset.count)), ["1", "1"]);
  for (const who of [yoko, emma]) assert.ok(!(await row.textContent()).includes(who.name), `the operators' poll names ${who.name}`);
  await screenshot(op.page, "questions-operator-polls");
  // Only there, operators find who sent an anonymous question (for an abuse report).
  await op.page.selectOption("#rt-question-authors select", rt.id);
  await op.page.click("#rt-question-authors button[type=submit]");
  const sent = op.page.locator("#rt-question-authors li", { hasText: yokoQ });
  await sent.waitFor({ timeout: WAIT }).catch(report);
  assert.match(await sent.textContent(), new RegExp(`${yoko.name}.*匿名で送信`));
  assert.deepEqual(csp, []);
  assert.deepEqual(sink.errors, []);
});

// poll: the moderator opens one; yoko and emma answer; every page shows
// the counts and nobody's choice.
async function poll(hanako, yoko, emma) {
  await hanako.page.click("#qa-tab-polls");
  await hanako.page.click("#polls-panel details.poll-new summary");
  await hanako.page.fill("#poll-question", "復帰はいつでしたか？");
  await hanako.page.fill("#poll-choice-0", "1年以内");
  await hanako.page.fill("#poll-choice-1", "1年より後");
  await hanako.page.click("#poll-send");
  await hanako.page.waitForSelector("#polls-list article.poll", { timeout: WAIT });
  await press(emma.page, "btn-qa");
  for (const [p, choice] of [[yoko, 0], [emma, 1]]) {
    await p.page.click("#qa-tab-polls");
    await p.page.check(`#polls-list article.poll input[value="${choice}"]`, { timeout: WAIT });
    await p.page.click("#polls-list article.poll form.ballot button[type=submit]");
    await p.page.waitForSelector("#polls-list .poll-results", { timeout: WAIT })
      .catch(async (e) => { console.error("the panel:", await p.page.innerHTML("#qa-panel")); throw e; });
  }
  const counts = () => hanako.page.$$eval("#polls-list .poll-results li", (lis) => lis.map((li) => li.dataset.count).join(","));
  await hanako.page.waitForFunction(() => [...document.querySelectorAll("#polls-list .poll-results li")].map((li) => li.dataset.count).join(",") === "1,1", null, { timeout: WAIT });
  assert.equal(await counts(), "1,1");
  const text = await hanako.page.textContent("#polls-list");
  for (const who of [yoko, emma]) assert.ok(!text.includes(who.name), `the poll names ${who.name}`);
  await yoko.page.waitForFunction(() => /2人が回答/.test(document.getElementById("polls-list").textContent), null, { timeout: WAIT }); // at her next fetch
  await shots(hanako.page, "questions-poll-moderator");
  await shots(emma.page, "questions-poll-member");
}

// nameNowhere: no answer about questions, polls or the moderation log
// that the moderator's page read, nor one she reads now, names an author
// or a voter.
async function nameNowhere(hanako, people) {
  const base = `/roundtables/${(await hanako.page.evaluate(() => new URLSearchParams(location.search).get("roundtable")))}`;
  for (const path of ["/questions", "/polls", "/audit"]) {
    hanako.reads.push({ url: path, body: JSON.stringify(await apiCall(hanako.page, hanako.csrf, "GET", base + path)) });
  }
  assert.ok(hanako.reads.some((r) => r.url.includes("/questions")) && hanako.reads.some((r) => r.url.includes("/polls")), "the page read no questions or polls");
  for (const r of hanako.reads) {
    for (const p of people) {
      for (const mark of [p.id, p.name, p.email]) assert.ok(!r.body.includes(mark), `${r.url} names ${mark}: ${r.body.slice(0, 300)}`);
    }
  }
}
