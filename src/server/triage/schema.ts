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
});
