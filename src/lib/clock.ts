/** Current time as ISO-8601 UTC with milliseconds: the one timestamp format of the database. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
