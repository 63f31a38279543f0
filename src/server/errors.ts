/**
 * The one error type services throw. `code` is stable and dotted (`case.not_found`); it is the i18n key
 * the console translates, so never reword a code, add a new one.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [key: string]: unknown;
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `https://civicgrid.org/problems/${code.replace(/\./g, '/')}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

export const notFound = (what: string, id: string) => new AppError(404, `${what}.not_found`, `${what} ${id} does not exist or is outside your scope`);
export const forbidden = (permission: string) =>
  new AppError(403, 'auth.forbidden', `your role does not allow ${permission}`, { permission });
export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) => new AppError(409, code, detail, extra);
export const invalid = (code: string, detail: string, extra?: Record<string, unknown>) => new AppError(400, code, detail, extra);
