import createClient, { type Middleware } from 'openapi-fetch';
// Generated from the server's own OpenAPI document (npm run gen:api; an integrator runs
// `npx openapi-typescript https://<your shop>/api/openapi.json -o schema.d.ts`). Nothing below is cast.
import type { paths } from '../../web/src/shared/api/schema.d.ts';

/** A Musubi API client for a back office: every call typed from the OpenAPI document, errors thrown. */
export function musubiClient(baseUrl: string, token: string) {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${token}`);
      request.headers.set('accept-language', 'ja');
      return request;
    },
  };
  client.use(auth);
  return client;
}

export type MusubiClient = ReturnType<typeof musubiClient>;

/** The problem+json Musubi answers with on any error, as an Error whose message is its Japanese title and detail. */
export class MusubiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; code?: string } | undefined,
  ) {
    super(`${status} ${problem?.code ?? ''} ${problem?.title ?? ''} ${problem?.detail ?? ''}`.trim());
  }
}

/** The data of an answer, or its problem thrown. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) throw new MusubiError(r.response.status, r.error as MusubiError['problem']);
  return r.data;
}
