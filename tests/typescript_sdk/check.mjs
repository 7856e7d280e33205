// Drives the mock through the official @formance/formance-sdk 7.x, unchanged.
// Usage: node check.mjs <mock root URL> [scenario]   (or MOCK_URL=<mock root URL> node check.mjs)
// Scenarios: "main" (the default: an orchestration v2 round trip), "trigger-test-nulls" (testTrigger
// answers whose `filter` / `variables` are null), "ledger" (ledger v2: a ledger, transactions
// with postings and with Numscript, a cursor page, an account's volumes, a revert) and "v260"
// (what flows v2.6.0 adds: trigger versions, the workflow an instance embeds, the send shapes and
// CreateTransferInitiation).
// Prints one line per check; exits 1 with a message at the first mismatch, 2 on bad usage.
import { SDK } from "@formance/formance-sdk";
import { ErrorsV2ErrorResponse } from "@formance/formance-sdk/sdk/models/ledger/index.js";
import { V2Error } from "@formance/formance-sdk/sdk/models/orchestration/index.js";

const base = (process.argv[2] ?? process.env.MOCK_URL ?? "").replace(/\/+$/, "");
const scenario = process.argv[3] ?? "main";
if (!base) {
  console.error("usage: node check.mjs <mock URL> [main|trigger-test-nulls|ledger] (or set MOCK_URL)");
  process.exit(2);
}

const sdk = new SDK({ serverURL: base, security: { clientID: "ts-sdk", clientSecret: "s" } });
const v2 = sdk.orchestration.v2;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

function show(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)); // txid is a bigint
}

function check(condition, message, detail) {
  if (!condition) fail(`${message}${detail === undefined ? "" : `: ${show(detail)}`}`);
  console.log(`ok   ${message}`);
}

async function publish(type, payload, version) {
  const reply = await fetch(`${base}/_mock/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type, payload, ...(version === undefined ? {} : { version }) }),
  });
  check(reply.status === 202, `control API accepted the ${type} event`, reply.status);
}

async function load(document) {
  const reply = await fetch(`${base}/_mock/fixtures`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(document),
  });
  check(reply.status === 201, "control API loaded the fixture", reply.status);
}

async function walk(list, pageSize) {
  let page = await list({ pageSize });
  const pages = [page.data.map((item) => item.id)];
  while (page.hasMore) {
    if (!page.next) fail("a page with hasMore has no next cursor");
    page = await list({ cursor: page.next });
    pages.push(page.data.map((item) => item.id));
  }
  return pages;
}

async function main() {
  const info = await v2.getServerInfo();
  check(typeof info.v2ServerInfo?.version === "string", "getServerInfo gives a version", info.v2ServerInfo);

  const wait = { wait_event: { event: "go" } }; // stages are free-form objects: wire names
  const created = await v2.createWorkflow({ name: "ts", stages: [wait] });
  const flow = created.v2CreateWorkflowResponse?.data;
  check(created.statusCode === 201 && flow?.config.name === "ts", "createWorkflow gives the stored workflow", flow);
  const read = await v2.getWorkflow({ flowId: flow.id });
  check(read.v2GetWorkflowResponse?.data.id === flow.id, "getWorkflow reads it back");

  const run = await v2.runWorkflow({ workflowID: flow.id, requestBody: {} });
  const instance = run.v2RunWorkflowResponse?.data;
  check(instance?.workflowID === flow.id && instance.terminated === false, "runWorkflow starts an instance", instance);
  await v2.sendEvent({ instanceID: instance.id, requestBody: { name: "go" } });
  const after = (await v2.getInstance({ instanceID: instance.id })).v2GetWorkflowInstanceResponse?.data;
  check(after?.terminated === true && after.terminatedAt instanceof Date, "sendEvent terminates the instance", after);

  const send = {
    send: {
      source: { account: { id: "world", ledger: "default" } },
      destination: { account: { id: "bank", ledger: "default" } },
      amount: { amount: 100, asset: "EUR/2" },
    },
  };
  const paying = (await v2.createWorkflow({ stages: [send, wait] })).v2CreateWorkflowResponse.data;
  const payment = (await v2.runWorkflow({ workflowID: paying.id })).v2RunWorkflowResponse.data;
  const running = (await v2.listInstances({ workflowID: paying.id, running: true })).v2ListRunsResponse?.cursor;
  check(running?.data.length === 1 && running.data[0].id === payment.id, "listInstances filters by workflow", running);
  const steps = (await v2.getInstanceHistory({ instanceID: payment.id })).v2GetWorkflowInstanceHistoryResponse?.data;
  check(steps?.map((h) => h.name).join() === "RunSend,RunWaitEvent", "getInstanceHistory lists the stages", steps);
  const stage = (await v2.getInstanceStageHistory({ instanceID: payment.id, number: 0 }))
    .v2GetWorkflowInstanceHistoryStageResponse?.data;
  const transactions = stage?.[0]?.output?.createTransaction?.data;
  check(
    Array.isArray(transactions) && typeof transactions[0].txid === "bigint" && transactions[0].postings.length === 1,
    "the send stage's CreateTransaction output decodes as an array of transactions with txid",
    transactions,
  );
  await v2.cancelEvent({ instanceID: payment.id });
  const aborted = (await v2.getInstance({ instanceID: payment.id })).v2GetWorkflowInstanceResponse?.data;
  check(aborted?.terminated === true, "cancelEvent terminates the instance", aborted);
  await v2.deleteWorkflow({ flowId: paying.id });

  const ids = [flow.id];
  for (let i = 0; i < 4; i += 1) {
    ids.push((await v2.createWorkflow({ stages: [wait] })).v2CreateWorkflowResponse.data.id);
  }
  const pages = await walk(
    async (request) => (await v2.listWorkflows(request)).v2ListWorkflowsResponse.cursor,
    2,
  );
  const seen = pages.flat();
  check(pages.length === 3 && pages.every((p) => p.length <= 2), "listWorkflows pages by 2 over 5 workflows", pages);
  check(
    seen.length === ids.length && new Set(seen).size === ids.length && ids.every((id) => seen.includes(id)),
    "the cursor walk sees every workflow exactly once",
    { seen, ids },
  );

  const trigger = (
    await v2.createTrigger({
      name: "ts-trigger",
      event: "SAVED_PAYMENT",
      workflowID: flow.id,
      filter: "event.amount > 100",
      vars: { order: "event.id" },
    })
  ).v2CreateTriggerResponse?.data;
  check(trigger?.workflowID === flow.id, "createTrigger gives the trigger", trigger);
  const tested = await v2.testTrigger({ triggerID: trigger.id, requestBody: { id: "pay_1", amount: 500 } });
  const result = tested.v2TestTriggerResponse?.data;
  check(
    result?.filter?.match === true && result.variables?.order?.value === "pay_1",
    "testTrigger evaluates the filter and the vars",
    result,
  );

  await publish("SAVED_PAYMENT", { id: "pay_1", amount: 500 });
  const occurrences = (await v2.listTriggersOccurrences({ triggerID: trigger.id })).v2ListTriggersOccurrencesResponse
    ?.cursor.data;
  check(
    occurrences?.length === 1 && occurrences[0].workflowInstance?.workflowID === flow.id,
    "the published event shows as one occurrence that started the workflow",
    occurrences,
  );

  const listed = (await v2.listTriggers({ name: "TS-TRIG" })).v2ListTriggersResponse?.cursor.data;
  check(listed?.length === 1 && listed[0].id === trigger.id, "listTriggers filters by name", listed);
  await v2.deleteTrigger({ triggerID: trigger.id });
  const gone = (await v2.listTriggers({})).v2ListTriggersResponse?.cursor.data;
  check(gone?.length === 0, "deleteTrigger removes it from the list", gone);

  try {
    await v2.getWorkflow({ flowId: "00000000-0000-4000-8000-000000000000" });
    fail("getWorkflow of an unknown id did not throw");
  } catch (error) {
    check(
      error instanceof V2Error && error.statusCode === 404 && error.errorCode === "NOT_FOUND",
      "an unknown workflow throws V2Error 404 NOT_FOUND",
      String(error),
    );
  }
}

async function triggerTestNulls() {
  const flow = (await v2.createWorkflow({ stages: [{ wait_event: { event: "go" } }] })).v2CreateWorkflowResponse.data;
  const plain = (await v2.createTrigger({ event: "E", workflowID: flow.id })).v2CreateTriggerResponse.data;
  const unfiltered = (await v2.testTrigger({ triggerID: plain.id, requestBody: {} })).v2TestTriggerResponse?.data;
  check(unfiltered?.filter == null && unfiltered.variables == null, "testTrigger without a filter", unfiltered);
  const filtered = (await v2.createTrigger({ event: "E", workflowID: flow.id, filter: "event.a > 1" }))
    .v2CreateTriggerResponse.data;
  const failed = (await v2.testTrigger({ triggerID: filtered.id, requestBody: { a: "x" } })).v2TestTriggerResponse
    ?.data;
  check(failed?.filter?.match === false && failed.filter.error, "testTrigger with a failing filter", failed);
}

async function ledgerFlow() {
  const ledger = sdk.ledger.v2;
  const name = "ts-shop";
  const created = await ledger.createLedger({ ledger: name, v2CreateLedgerRequest: { metadata: { team: "ts" } } });
  check(created.statusCode === 204, "createLedger answers 204", created.statusCode);
  const read = (await ledger.getLedger({ ledger: name })).v2GetLedgerResponse?.data;
  check(read?.name === name && read.bucket === "_default" && read.metadata.team === "ts", "getLedger reads it", read);

  const post = async (body) => (await ledger.createTransaction({ ledger: name, v2PostTransaction: body }))
    .v2CreateTransactionResponse?.data;
  const deposit = await post({
    postings: [{ source: "world", destination: "users:alice", amount: 5000n, asset: "EUR/2" }],
    reference: "dep-1",
    metadata: { order: "o-1" },
  });
  check(
    deposit?.id === 1n && deposit.reference === "dep-1" && deposit.postings[0].amount === 5000n,
    "createTransaction with postings gives transaction 1",
    deposit,
  );
  const split = await post({
    script: {
      plain: [
        "vars {",
        "  monetary $amount",
        "}",
        "send $amount (",
        "  source = @users:alice",
        "  destination = {",
        "    80% to @merchants:42",
        "    remaining to @platform:fees",
        "  }",
        ")",
      ].join("\n"),
      vars: { amount: "EUR/2 1000" },
    },
    metadata: { kind: "split" },
  });
  const legs = split?.postings.map((p) => `${p.source}>${p.destination}:${p.amount}`).join();
  check(
    split?.id === 2n && legs === "users:alice>merchants:42:800,users:alice>platform:fees:200",
    "createTransaction with a Numscript split books 80% and the rest",
    split,
  );
  for (let n = 1; n <= 3; n += 1) {
    const credit = { source: "world", destination: `users:${n}`, amount: BigInt(n), asset: "EUR/2" };
    await post({ postings: [credit], metadata: {} });
  }

  const first = (await ledger.listTransactions({ ledger: name, pageSize: 2 })).v2TransactionsCursorResponse?.cursor;
  check(
    first?.data.map((t) => t.id).join() === "5,4" && first.hasMore === true && typeof first.next === "string",
    "listTransactions gives the newest first, a page of 2 with a next cursor",
    first,
  );
  const seen = [...first.data.map((t) => t.id)];
  let page = first;
  while (page.hasMore) {
    page = (await ledger.listTransactions({ ledger: name, cursor: page.next })).v2TransactionsCursorResponse.cursor;
    seen.push(...page.data.map((t) => t.id));
  }
  check(seen.join() === "5,4,3,2,1", "following next visits every transaction once", seen);

  const account = async () => (await ledger.getAccount({ ledger: name, address: "users:alice", expand: "volumes" }))
    .v2AccountResponse?.data;
  const alice = await account();
  const eur = alice?.volumes?.["EUR/2"];
  check(
    eur?.input === 5000n && eur.output === 1000n && eur.balance === 4000n,
    "getAccount with expand=volumes gives its input, output and balance",
    alice,
  );

  const reverted = await ledger.revertTransaction({ ledger: name, id: 2n });
  const revert = reverted.v2CreateTransactionResponse?.data;
  check(
    reverted.statusCode === 201 && revert?.id === 6n &&
      revert.metadata["com.formance.spec/state/reverts"] === "2" &&
      revert.postings.map((p) => `${p.source}>${p.destination}:${p.amount}`).join() ===
        "platform:fees>users:alice:200,merchants:42>users:alice:800",
    "revertTransaction books the opposite postings as transaction 6",
    revert,
  );
  const original = (await ledger.getTransaction({ ledger: name, id: 2n })).v2GetTransactionResponse?.data;
  check(
    original?.reverted === true && original.revertedAt instanceof Date,
    "the original is marked reverted",
    original,
  );
  const restored = (await account())?.volumes?.["EUR/2"];
  check(restored?.balance === 5000n && restored.output === 1000n, "the revert gives alice her 1000 back", restored);
  try {
    await ledger.revertTransaction({ ledger: name, id: 2n });
    fail("a second revert did not throw");
  } catch (error) {
    check(
      error instanceof ErrorsV2ErrorResponse && error.statusCode === 400 && error.errorCode === "ALREADY_REVERT",
      "a second revert throws 400 ALREADY_REVERT",
      String(error),
    );
  }
}

async function v260() {
  await load({
    ledgers: { main: { accounts: { "users:1": { balances: { USD: 100 }, metadata: { wiseRecipientID: "rcp_1" } } } } },
  });
  const payout = {
    send: {
      source: { account: { id: "users:1", ledger: "main", throughAccount: "liabilities:payouts", allowOverdraft: true } },
      destination: { payment: { psp: "wise", type: "PAYOUT", sourceAccount: "wise-main", metadata: "wiseRecipientID" } },
      amount: { amount: 400, asset: "USD" },
    },
  };
  const flow = (await v2.createWorkflow({ stages: [payout] })).v2CreateWorkflowResponse.data;
  const run = (await v2.runWorkflow({ workflowID: flow.id, wait: true })).v2RunWorkflowResponse.data;
  check(run.terminated === true && run.workflow?.id === flow.id, "a waited run embeds its workflow", run);
  const read = (await v2.getInstance({ instanceID: run.id })).v2GetWorkflowInstanceResponse.data;
  check(read.workflow?.config.stages.length === 1 && read.workflow.createdAt instanceof Date, "getInstance embeds it", read);
  const listed = (await v2.listInstances({})).v2ListRunsResponse.cursor.data;
  check(listed.length === 1 && listed[0].workflow?.id === flow.id, "listInstances embeds it", listed);

  // The SDK's V2Stage union tries V2StageDelay (every field optional) before V2StageSend, so it reads
  // any RunSend input as {}: a limit of the generated SDK (7.x, before v2.6.0 too), not of the answer.
  const [entry] = (await v2.getInstanceHistory({ instanceID: run.id })).v2GetWorkflowInstanceHistoryResponse.data;
  check(entry.name === "RunSend" && entry.terminated === true, "getInstanceHistory decodes the payout stage", entry);
  const workflow = read.workflow.config.stages[0].send;
  check(
    workflow.source.account.allowOverdraft === true && workflow.destination.payment.sourceAccount === "wise-main",
    "the embedded workflow keeps the v2.6.0 send fields",
    workflow,
  );
  const activities = (await v2.getInstanceStageHistory({ instanceID: run.id, number: 0 }))
    .v2GetWorkflowInstanceHistoryStageResponse.data;
  check(
    activities.map((a) => a.name).join() === "GetAccount,CreateTransaction,CreateTransferInitiation",
    "a payout debits, then initiates the transfer",
    activities,
  );
  const script = activities[1].input.createTransaction?.data?.script?.plain ?? "";
  check(script.includes("allowing unbounded overdraft"), "the debit is the overdraft Numscript", activities[1].input);
  const transfer = activities[2].input.createTransferInitiation;
  check(
    transfer?.provider === "wise" && transfer.type === "PAYOUT" && transfer.source === "wise-main" &&
      transfer.destination === "rcp_1" && BigInt(transfer.amount) === 400n && activities[2].output === undefined,
    "CreateTransferInitiation decodes, without output",
    transfer,
  );

  const ledgerTrigger = (await v2.createTrigger({ event: "CUSTOM", workflowID: flow.id, version: "v2" }))
    .v2CreateTriggerResponse.data;
  const anyTrigger = (await v2.createTrigger({ event: "CUSTOM", workflowID: flow.id })).v2CreateTriggerResponse.data;
  check(ledgerTrigger.version === "v2" && anyTrigger.version === undefined, "createTrigger keeps the version", ledgerTrigger);
  const readTrigger = (await v2.readTrigger({ triggerID: ledgerTrigger.id })).v2ReadTriggerResponse.data;
  check(readTrigger.version === "v2", "readTrigger reads it back", readTrigger);
  await publish("CUSTOM", { n: 1 }, "v1");
  await publish("CUSTOM", { n: 2 }, "v2");
  const count = async (id) =>
    (await v2.listTriggersOccurrences({ triggerID: id })).v2ListTriggersOccurrencesResponse.cursor.data.length;
  check((await count(ledgerTrigger.id)) === 1 && (await count(anyTrigger.id)) === 2, "a version fires only on its own");
}

const scenarios = { main, "trigger-test-nulls": triggerTestNulls, ledger: ledgerFlow, v260 };
if (!(scenario in scenarios)) {
  console.error(`unknown scenario ${scenario}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
scenarios[scenario]().then(
  () => console.log("all checks passed"),
  (error) => {
    // The SDK's errors carry the HTTP exchange: show it, and a validation error's own report.
    const request = error?.rawResponse ? `answer of ${error.rawResponse.url}` : "";
    const answer = error?.body === undefined ? "" : `: ${error.statusCode} ${error.body.trim()}`;
    const detail = typeof error?.pretty === "function" ? `\n${error.pretty()}` : "";
    fail(`unexpected error: ${error?.stack ?? error}\n${request}${answer}${detail}`);
  },
);
