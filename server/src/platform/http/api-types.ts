import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

/** The web's API types, generated from the OpenAPI document (npm run gen:api writes them). */
export const apiTypesFile = fileURLToPath(new URL('../../../../web/src/shared/api/schema.d.ts', import.meta.url));

/**
 * The TypeScript of an OpenAPI document, as `openapi-typescript` writes it, so the web's types follow the
 * route schemas without a running server (tests, a fresh checkout).
 */
export async function apiTypesOf(document: unknown): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}
