// Drives the mock's wallets API (formancehq/wallets v2.1.5) through the official @formance/formance-sdk,
// unchanged: a wallet, a coupon balance, a credit, a `["*"]` debit spending the coupons first, a pending
// debit confirmed in part then voided, the summary, and the ledger account the wallet is.
// Usage: node wallets.mjs <mock root URL>. Prints one line per check; exits 1 at the first mismatch.
import { SDK } from "@formance/formance-sdk";

const base = (process.argv[2] ?? process.env.MOCK_URL ?? "").replace(/\/+$/, "");
if (!base) {
  console.error("usage: node wallets.mjs <mock URL> (or set MOCK_URL)");
  process.exit(2);
}

const sdk = new SDK({ serverURL: base, security: { clientID: "ts-wallets", clientSecret: "s" } });
const v1 = sdk.wallets.v1;
const USD = "USD/2";

function show(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

function check(condition, message, detail) {
  if (!condition) {
    console.error(`FAIL: ${message}${detail === undefined ? "" : `: ${show(detail)}`}`);
    process.exit(1);
  }
  console.log(`ok   ${message}`);
}

async function main() {
  const info = await v1.getServerInfoWallets();
  check(info.serverInfo?.version === "v2.1.5", "getServerInfo gives the release", info.serverInfo);

  const created = await v1.createWallet({ createWalletRequest: { name: "ts", metadata: { owner: "ts" } } });
  const wallet = created.createWalletResponse?.data;
  check(created.statusCode === 201 && wallet?.ledger === "wallets-002", "createWallet gives the wallet", wallet);

  const balance = await v1.createBalance({ id: wallet.id, balance: { name: "coupons", priority: 1n } });
  check(balance.createBalanceResponse?.data.name === "coupons", "createBalance gives the balance", balance);

  await v1.creditWallet({ id: wallet.id, creditWalletRequest: { amount: { asset: USD, amount: 1000n }, metadata: {} } });
  await v1.creditWallet({
    id: wallet.id,
    idempotencyKey: "coupons-1",
    creditWalletRequest: { amount: { asset: USD, amount: 300n }, metadata: {}, balance: "coupons" },
  });
  const read = await v1.getWallet({ id: wallet.id });
  check(read.getWalletResponse?.data.balances.main.assets[USD] === 1000n, "the credit reached main", read);

  const debited = await v1.debitWallet({
    id: wallet.id,
    debitWalletRequest: { amount: { asset: USD, amount: 500n }, metadata: {}, balances: ["*"] },
  });
  check(debited.statusCode === 204, "a * debit answers 204", debited.statusCode);
  const coupons = await v1.getBalance({ id: wallet.id, balanceName: "coupons" });
  check(coupons.getBalanceResponse?.data.assets[USD] === 0n, "the coupons went first", coupons);

  const held = await v1.debitWallet({
    id: wallet.id,
    debitWalletRequest: {
      amount: { asset: USD, amount: 200n },
      metadata: { order: "o-1" },
      pending: true,
      destination: { type: "ACCOUNT", identifier: "shop:1" },
    },
  });
  const hold = held.debitWalletResponse?.data;
  check(held.statusCode === 201 && hold?.walletID === wallet.id, "a pending debit gives its hold", hold);
  await v1.confirmHold({ holdId: hold.id, confirmHoldRequest: { amount: 50n } });
  const partly = await v1.getHold({ holdID: hold.id });
  check(partly.getHoldResponse?.data.remaining === 150n, "a partial confirm leaves the rest held", partly);
  await v1.voidHold({ holdId: hold.id });
  const holds = await v1.getHolds({ walletID: wallet.id });
  check(holds.getHoldsResponse?.cursor.data.length === 1, "getHolds lists the closed hold", holds);

  const summary = await v1.getWalletSummary({ id: wallet.id });
  check(summary.getWalletSummaryResponse?.data.availableFunds[USD] === 750n, "the summary adds up", summary);
  const listed = await v1.listWallets({ name: "ts", expand: "balances" });
  check(listed.listWalletsResponse?.cursor.data[0].balances?.main.assets[USD] === 750n, "listWallets expands", listed);
  const txs = await v1.getTransactions({ walletID: wallet.id });
  check(txs.getTransactionsResponse?.cursor.data.every((t) => t.ledger === "wallets-002"), "getTransactions", txs);
  await v1.updateWallet({ id: wallet.id, requestBody: { metadata: { tier: "gold" } } });
  const balances = await v1.listBalances({ id: wallet.id });
  check(balances.listBalancesResponse?.cursor.data.length === 2, "listBalances lists main and coupons", balances);

  const address = `wallets:${wallet.id.replaceAll("-", "")}:main`;
  const account = await sdk.ledger.v2.getAccount({ ledger: "wallets-002", address, expand: "volumes" });
  const volumes = account.v2AccountResponse?.data.volumes?.[USD];
  check(volumes?.balance === 750n, "the ledger account is the wallet's main balance", volumes);
  check(account.v2AccountResponse?.data.metadata["wallets/custom_data_tier"] === "gold", "metadata in the ledger");
  console.log("all checks passed");
}

main().catch((error) => {
  console.error(`FAIL: ${error?.stack ?? error}`);
  process.exit(1);
});
