import { z } from 'zod';

const confidence = z.number().min(0).max(1);

export const triageBody = z.object({
  text: z.string().trim().min(1).max(4000),
  lon: z.number().min(-180).max(180).optional(),
  lat: z.number().min(-90).max(90).optional(),
});

/** The PRODUCT.md contract, plus what the console shows beside it (why urgent, whether it may auto-dispatch). */
export const triageResponse = z.object({
  category: z.object({ code: z.string(), name: z.string(), confidence }),
  department: z.object({ code: z.string(), name: z.string() }),
  nature: z.object({ code: z.string(), confidence }),
  urgent: z.boolean(),
  urgentCues: z.array(z.string()),
  alternatives: z.array(z.object({ code: z.string(), name: z.string(), confidence })),
  autoDispatch: z.boolean().describe('confidence is at or above the calibrated auto-dispatch threshold'),
  threshold: z.number(),
  dispatchGate: z
    .object({
      eligible: z.boolean(),
      confidence: z.number().describe("the department's confidence (its categories' summed probability)"),
      threshold: z.number().describe('calibrated threshold for this category (> 1: never unattended)'),
      precision: z.number().describe('department precision measured at the threshold on call-style appeals the models never saw (scene-grouped cross-validation)'),
      coverage: z.number(),
    })
    .describe('自动派单: whether the desk may dispatch without a person, and the calibration behind it'),
  secondary: z
    .object({ code: z.string(), name: z.string(), confidence, department: z.object({ code: z.string(), name: z.string() }), text: z.string() })
    .optional()
    .describe('the other matter of a two-problem call, offered as a second case'),
  explanation: z
    .object({
      words: z.array(z.object({ text: z.string(), weight: z.number() })),
      runnerUp: z.object({ code: z.string(), name: z.string(), confidence, words: z.array(z.object({ text: z.string(), weight: z.number() })), margin: z.number() }),
    })
    .optional()
    .describe('the words that decided the category and why the runner-up lost'),
  duplicates: z.array(z.object({ caseCode: z.string(), score: z.number() })),
});

export const correctionBody = z.object({
  text: z.string().trim().min(1).max(4000),
  category: z.string().regex(/^\d{4}$/),
  nature: z.string().optional(),
  caseCode: z.string().max(32).optional(),
});

export const correctionResponse = z.object({ id: z.number(), predicted: z.string(), category: z.string(), nowPredicted: z.string() });

export const statusResponse = z.object({
  trainingSize: z.number(),
  threshold: z.number(),
  precisionAtThreshold: z.number(),
  coverageAtThreshold: z.number(),
  temperature: z.number(),
  gate: z.object({ threshold: z.number(), perCategory: z.record(z.string(), z.number()), precision: z.number(), coverage: z.number(), n: z.number(), source: z.string() }),
});
