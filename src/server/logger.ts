import pino, { type Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. PII must never reach a log file: the hotline records callers'
 * ID numbers and phones, and tokens in logs are stolen sessions.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.idNumber',
  '*.phone',
  '*.mobile',
  '*.contactPhone',
  '*.reporterPhone',
  'password',
  'token',
  'idNumber',
  'phone',
];

// 18-digit resident ID (GB 11643) and mainland mobile numbers, caught in free text such as error messages.
const idPattern = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const phonePattern = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const bearerPattern = /Bearer\s+[A-Za-z0-9._~+/-]+=*/g;

/** Masks ID numbers, phones and bearer tokens inside a free-text string. */
export function scrubText(text: string): string {
  return text.replace(idPattern, '[id]').replace(phonePattern, '[phone]').replace(bearerPattern, 'Bearer [token]');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          // Free-text messages can carry what the path-based redaction cannot see.
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (err: Error) => ({ type: err.name, message: scrubText(err.message), stack: err.stack ? scrubText(err.stack) : undefined }),
        // Only method, path and id: headers carry tokens and query strings carry search terms.
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: typeof req.url === 'string' ? scrubText(req.url) : undefined, id: req.id }),
      },
    },
    destination,
  );
}
