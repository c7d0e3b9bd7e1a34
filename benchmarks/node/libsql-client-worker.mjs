// The @libsql/client side of the libSQL benchmark (docs/performance.md, "libSQL").
//
// A worker driven by the Java harness (LibsqlBenchmark) over stdin/stdout, one JSON object per line,
// so that its calls run in blocks interleaved with the Java sides' blocks, against the same sqld,
// with the same statements. It times its own calls (process.hrtime) and answers with the durations:
//
//   {"op":"open","url":"http://127.0.0.1:PORT"}          -> {"ok":true}      a new client (new connections)
//   {"op":"store","n":50}                                 -> {"nanos":[...]}   n single-row INSERTs (execute)
//   {"op":"last","n":50,"user":"u","owner":"o"}           -> {"nanos":[...]}   n SELECT … LIMIT 1, row mapped
//   {"op":"batch","rows":1000,"multi":false}              -> {"nanos":[t]}     one batch(…, "write"): 1,000
//                                                                             single-row INSERTs, or with
//                                                                             multi=true the library's 10
//                                                                             100-row INSERTs
//   {"op":"close"}                                        -> {"ok":true}
//   {"op":"exit"}                                         -> exits
import { createClient } from "@libsql/client";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";

const COLUMNS = 'id, owner, version, charging, user_id, "timestamp"';
const INSERT = `INSERT INTO heartbeats (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`;
const LAST = `SELECT ${COLUMNS} FROM heartbeats WHERE user_id = ? AND owner = ? ORDER BY "timestamp" DESC, id DESC LIMIT 1`;
const CHUNK = 100;
const BASE_MICROS = 1_780_272_000_000_000n; // 2026-06-01T00:00:00Z

let client = null;
let sequence = 0n;
let sink = 0;

function heartbeat(prefix, i) {
  sequence += 1n;
  return [randomUUID(), `${prefix}-phone-${i % 50}`, "2.4.1", BigInt(i % 2), `${prefix}-user-${i % 50}`,
    BASE_MICROS + sequence];
}

function insertMany(rows) {
  return INSERT + ", (?, ?, ?, ?, ?, ?)".repeat(rows - 1);
}

async function store(n) {
  const nanos = [];
  for (let i = 0; i < n; i++) {
    const args = heartbeat("node-store", i);
    const t0 = process.hrtime.bigint();
    await client.execute({ sql: INSERT, args });
    nanos.push(Number(process.hrtime.bigint() - t0));
  }
  return nanos;
}

async function last(n, user, owner) {
  const nanos = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const rs = await client.execute({ sql: LAST, args: [user, owner] });
    const r = rs.rows[0];
    const h = { id: r[0], owner: r[1], version: r[2], charging: r[3] === 1n, userId: r[4], timestamp: r[5] };
    nanos.push(Number(process.hrtime.bigint() - t0));
    sink += h.id.length;
  }
  return nanos;
}

async function batch(rows, multi) {
  const data = [];
  for (let i = 0; i < rows; i++) {
    data.push(heartbeat("node-bulk", i));
  }
  const t0 = process.hrtime.bigint();
  const statements = [];
  if (multi) {
    for (let from = 0; from < rows; from += CHUNK) {
      const chunk = data.slice(from, Math.min(rows, from + CHUNK));
      statements.push({ sql: insertMany(chunk.length), args: chunk.flat() });
    }
  } else {
    for (const args of data) {
      statements.push({ sql: INSERT, args });
    }
  }
  await client.batch(statements, "write");
  return [Number(process.hrtime.bigint() - t0)];
}

async function handle(command) {
  switch (command.op) {
    case "open":
      // intMode "bigint": integers come back exact, as the Java sides read them (micros, 0/1).
      client = createClient({ url: command.url, intMode: "bigint" });
      return { ok: true };
    case "store":
      return { nanos: await store(command.n) };
    case "last":
      return { nanos: await last(command.n, command.user, command.owner) };
    case "batch":
      return { nanos: await batch(command.rows, command.multi === true) };
    case "close":
      client.close();
      client = null;
      return { ok: true };
    case "exit":
      process.exit(0);
    default:
      throw new Error(`unknown op ${command.op}`);
  }
}

const lines = createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let answer;
    try {
      answer = await handle(JSON.parse(line));
    } catch (e) {
      answer = { error: String(e && e.stack ? e.stack : e) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
});
lines.on("close", () => queue.then(() => process.exit(0)));
process.on("exit", () => { if (sink < 0) console.error(sink); });
