import type { ReactNode } from 'react';
import { ApiError, type Problem } from '../api/client';
import { useT } from '../i18n';

/** The problem inside whatever a query or mutation threw (a network failure becomes status 0). */
export function problemOf(error: unknown): Problem | null {
  if (!error) return null;
  if (error instanceof ApiError) return error.problem;
  return {
    type: 'about:blank',
    title: '',
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
    code: 'unknown',
  };
}

/** The server's message for one field (`reason`, `quantity` …), to show beside that input. */
export function fieldError(error: unknown, field: string): string | undefined {
  return problemOf(error)?.errors?.find((e) => e.field === field)?.message;
}

/**
 * Says clearly what went wrong: the problem's title and detail as the server wrote them (in the screen's
 * language, via Accept-Language) and every field error.
 */
export function ProblemBanner({ error, labels = {} }: { error: unknown; labels?: Record<string, string> }) {
  const t = useT();
  const problem = problemOf(error);
  if (!problem) return null;
  const offline = problem.status === 0;
  return (
    <div className="banner banner-error" role="alert" data-problem={problem.code}>
      <p className="banner-title">
        {offline ? t('error.network.title') : problem.title || t('error.unknown.title')}
        {problem.status > 0 && <span className="banner-status"> ({problem.status})</span>}
      </p>
      <p>{offline ? t('error.network.detail') : problem.detail}</p>
      {problem.errors && problem.errors.length > 0 && (
        <ul className="banner-fields">
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <strong>{labels[e.field] ?? e.field}</strong>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SuccessBanner({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-success" role="status">
      {children}
    </div>
  );
}
