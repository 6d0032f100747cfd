/** Cold-start baseline: the smallest Worker, started the same way as the app. */
export default {
  fetch: () => new Response('ok'),
} satisfies ExportedHandler;
