// A location walked from the orientation talk to the grant over HTTP, with a client
// generated from the service's OpenAPI document (openapi-typescript + openapi-fetch).
// Usage: TRAJECTORY_URL=http://127.0.0.1:8000 TRAJECTORY_KEY=trj_... node dist/walk.js
// Prints the states it saw as JSON; exits non-zero on any unexpected answer.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Trajectory = components["schemas"]["Trajectory"];
type Problem = components["schemas"]["Problem"];

const baseUrl = process.env.TRAJECTORY_URL ?? "http://127.0.0.1:8000";
const key = process.env.TRAJECTORY_KEY ?? "";
const client = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${key}`, "Accept-Language": "en" },
});

const BOARD = "Stichting Primair";
const ROUND = "2024-2025/main";
const seen: Record<string, string> = {};

/** The document of a 2xx answer, or an error that says what the service answered. */
function ok<T>(step: string, answer: { data?: T; error?: Problem | unknown; response: Response }): T {
  if (answer.data === undefined) {
    throw new Error(`${step}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

function expect(step: string, shown: Trajectory, state: string): Trajectory {
  if (shown.state !== state) {
    throw new Error(`${step}: the state is ${shown.state}, not ${state}`);
  }
  seen[step] = shown.state;
  return shown;
}

async function main(): Promise<void> {
  const made = ok(
    "create",
    await client.POST("/trajectories", {
      body: {
        school: { name: "OBS De Linde", sector: "po", board: BOARD, brin: "12AB00" },
        offer: "leven-lang-lezen",
        school_year: "2024-2025",
      },
    }),
  );
  const id = expect("create", made, "orientation_requested").id;
  const path = { path: { id } };

  expect(
    "hold_orientation",
    ok(
      "hold_orientation",
      await client.POST("/trajectories/{id}/events/hold_orientation", {
        params: path,
        body: {
          date: "2024-05-01",
          learning_question: "How do we read more?",
          conclusion: "positive",
          report: "It fits.",
        },
      }),
    ),
    "orientation_held",
  );
  expect(
    "register",
    ok("register", await client.POST("/trajectories/{id}/events/register", { params: path, body: {} })),
    "application_in_preparation",
  );
  const team: Array<[string, "school_leader" | "teacher", number | string]> = [
    ["Anna", "school_leader", 200],
    ["Bram", "teacher", "150"],
    ["Chloé", "teacher", 150],
    ["Daan", "teacher", 150],
    ["Eva", "teacher", 150],
  ];
  for (const [name, role, planned_hours] of team) {
    ok(
      `add_participant ${name}`,
      await client.POST("/trajectories/{id}/events/add_participant", {
        params: path,
        body: { name, role, planned_hours },
      }),
    );
  }
  // A refusal is a problem document with every violation, in the language asked for.
  const refused = await client.POST("/applications", {
    body: { board: BOARD, round: ROUND, locations: ["no-such-location"] },
  });
  if (refused.response.status !== 422 || refused.error === undefined) {
    throw new Error(`an unknown location: ${refused.response.status}, not 422`);
  }
  const planned = ok(
    "write_activity_plan",
    await client.POST("/trajectories/{id}/events/write_activity_plan", {
      params: path,
      body: {
        report: "Report of the orientation talk.",
        willing_and_able: "Willing and able.",
        leadership_commitment: "Committed.",
        team_support: "Supported.",
      },
    }),
  );
  expect("write_activity_plan", planned, "application_in_preparation");

  const application = ok(
    "new_application",
    await client.POST("/applications", { body: { board: BOARD, round: ROUND, locations: [id] } }),
  );
  const applicationPath = { path: { id: application.id } };
  expect("new_application", application, "in_preparation");
  const talked = ok(
    "record_talk",
    await client.POST("/applications/{id}/talks", {
      params: applicationPath,
      body: { kind: "exploratory_talk", date: "2024-05-01" },
    }),
  );
  const submitted = ok(
    "submit",
    await client.POST("/applications/{id}/submit", {
      params: { ...applicationPath, header: { "If-Match": `"${talked.version}"` } },
      body: { received_at: "2024-05-02T10:00:00+02:00" },
    }),
  );
  expect("submit", submitted, "received");
  expect(
    "grant",
    ok("grant", await client.POST("/applications/{id}/grant", { params: applicationPath, body: {} })),
    "decided",
  );
  const location = ok("location", await client.GET("/trajectories/{id}", { params: path }));
  expect("location", location, "granted");
  const history = ok("history", await client.GET("/trajectories/{id}/history", { params: path }));
  seen["history"] = history.map((event) => event.name).join(",");
  console.log(JSON.stringify({ trajectory: id, application: application.id, seen }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
