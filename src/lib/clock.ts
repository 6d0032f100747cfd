/** Current time as ISO-8601 UTC with milliseconds: the one timestamp format of the database. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

/** `base` plus `seconds`, as ISO-8601 UTC. */
export function addSeconds(base: Date, seconds: number): string {
  return new Date(base.getTime() + seconds * 1000).toISOString();
}
