// Runs graphql-http's server audits against a running service and prints the results as JSON.
// Usage: node audit.mjs <folder with node_modules> <url>; the bearer token comes from the
// environment (GRIDGRAPH_AUDIT_TOKEN), since the audits themselves send no credentials.
import { createRequire } from "node:module";
import { join } from "node:path";

const [prefix, url] = process.argv.slice(2);
const token = process.env.GRIDGRAPH_AUDIT_TOKEN;
const { serverAudits } = createRequire(join(prefix, "package.json"))("graphql-http");

function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.reason ?? null,
    httpStatus: result.response?.status ?? null,
  });
}
console.log(JSON.stringify(results));
