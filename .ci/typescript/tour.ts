/**
 * A short tour of the API as a TypeScript dashboard would take it (.ci/client.sh): types
 * generated from the live schema by openapi-typescript (generated/schema.d.ts), requests
 * through openapi-fetch, compiled with `tsc --noEmit --strict`, then run against the server.
 *
 * No media-type hint (createClient<paths>() alone) and no narrowing: each answer has one
 * type. Every field a round always carries is required, so `round.negotiation.slug` compiles
 * as it is; an error is the `Error` envelope whose codes are enums, switched on exhaustively.
 *
 *     node build/tour.mjs BASE_URL
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

type Schemas = components["schemas"];
type Round = Schemas["Round"];
type ErrorCode = Schemas["ErrorCodeEnum"];

const TALKS = "kr-us-tariff-talks-2025";
const JEJU = "jeju-ministerial-2025-05-16";

const api = createClient<paths>({ baseUrl: process.argv[2] });

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

/** The `next` URL of an RFC 8288 Link header, if there is one. */
function nextPage(response: Response): number | undefined {
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("Link") ?? "");
  return next ? Number(new URL(next[1]).searchParams.get("page")) : undefined;
}

/** What a dashboard does about each kind of error: the enum makes this list complete (a
 * code added to the API and missing here fails to compile). */
const RETRY: Record<ErrorCode, boolean> = {
  renamed: false,
  invalid_input: false,
  parse_error: false,
  bad_request: false,
  not_authenticated: false,
  authentication_failed: false,
  permission_denied: false,
  not_found: false,
  no_trailing_slash: false,
  method_not_allowed: false,
  not_acceptable: false,
  conflict: false,
  still_referenced: false,
  concurrent_write: true,
  precondition_failed: false,
  payload_too_large: false,
  unsupported_media_type: false,
  throttled: true,
  server_error: false,
  database_unavailable: true,
};

function describe(round: Round): string {
  // Required fields: no `?.` or `!` needed; nullable ones say so in their type.
  const agenda = round.agenda === null ? "agenda not reported" : `${round.agenda.length} items`;
  const basis: Schemas["AgendaBasisEnum"] | null = round.agenda_basis;
  return `${round.start_date ?? "undated"} ${round.negotiation.slug} ${round.level} (${agenda}, ${basis ?? "no basis"})`;
}

async function main(): Promise<void> {
  // A list with a filter, following its Link header page by page.
  const held: Round[] = [];
  let page: number | undefined = 1;
  let total = 0;
  while (page !== undefined) {
    const { data, error, response } = await api.GET("/api/v1/rounds/", {
      params: { query: { negotiation: [TALKS], status: ["held"], page_size: 2, page } },
    });
    if (error) {
      throw new Error(`rounds: ${error.code} ${error.detail}`);
    }
    held.push(...data.results);
    total = data.count ?? 0;
    page = nextPage(response);
  }
  check(held.length === total && total > 0, `${held.length} rounds of ${total}`);
  console.log(`held rounds (Link, 2 a page): ${held.map(describe).join("; ")}`);

  // A round's agenda changes.
  const changes = await api.GET("/api/v1/rounds/{slug}/agenda-changes/", {
    params: { path: { slug: JEJU } },
  });
  check(changes.data, "agenda changes");
  const dropped = changes.data.dropped.map((entry) => entry.name);
  check(dropped.includes("Currency policy"), `dropped: ${dropped}`);
  console.log(`agenda changes against ${changes.data.compared_to?.slug}: dropped ${dropped}`);

  // Deadlines as known on a day.
  const known = await api.GET("/api/v1/deadlines/", {
    params: { query: { known_as_of: "2025-04-25" } },
  });
  check(known.data?.known_as_of, "deadlines as known on a day");
  const deadlines = known.data.results.map((d) => `${d.slug} (${d.days_remaining} days)`);
  console.log(`deadlines as known on ${known.data.known_as_of.date}: ${deadlines.join(", ")}`);

  // A typed 400: the envelope, its codes enums.
  const refused = await api.GET("/api/v1/rounds/", {
    params: { query: { start_date_after: "2025-13-40" } },
  });
  check(refused.error && refused.response.status === 400, "a bad date is a 400");
  const [item] = refused.error.errors;
  const itemCode: Schemas["ErrorItemCodeEnum"] = item.code;
  check(item.field === "start_date_after" && item.in === "query", JSON.stringify(item));
  check(!RETRY[refused.error.code], "an invalid input is not retried");
  console.log(`400 ${refused.error.code}: ${item.field} ${itemCode} (${item.detail})`);

  // The calendar as text (and a sparse answer, typed apart from the full record).
  const calendar = await api.GET("/api/v1/deadlines.ics", { parseAs: "text" });
  check(calendar.data, "the calendar");
  check(calendar.data.startsWith("BEGIN:VCALENDAR"), "an iCalendar feed");
  const events = calendar.data.split("BEGIN:VEVENT").length - 1;
  const sparse = await api.GET("/api/v1/sparse/rounds/{slug}/", {
    params: { path: { slug: JEJU }, query: { fields: "slug,title" } },
  });
  check(sparse.data?.title, "a sparse round");
  console.log(`calendar: ${events} events; sparse round: ${sparse.data.title}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
