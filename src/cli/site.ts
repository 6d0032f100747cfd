/** The port `npm start` serves on (PORT overrides 8787) and the matching SITE_URL. */
export function sitePort(): number {
  const port = Number(process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`PORT must be a TCP port (got "${process.env.PORT}")`);
  return port;
}

export function siteUrl(port = sitePort()): string {
  return (process.env.SITE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
}
