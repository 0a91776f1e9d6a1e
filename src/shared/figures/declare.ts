// How a trainer declares the figures of its run summary (`RunSummary.extra`), once: each figure
// with its zod schema, a one-line doc and its unit. The trainer's type (what it must fill), the
// typed readers the window and the CLI use (`rlFigures(summary)` and its siblings) and the tests
// follow from the declaration. On the wire and in the store the figures stay an open record at
// `summary.extra.<name>`, so a run stored before a figure was added or renamed still parses and
// keeps its figures.
import { z } from 'zod';

/** One figure's value as the wire carries it. */
export const figureValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
/** The wire form of a summary's trainer figures: any names, plain values. */
export const summaryExtraSchema = z.record(z.string(), figureValueSchema);
export type SummaryExtra = z.infer<typeof summaryExtraSchema>;

/** What a figure means. */
export interface FigureInfo {
  /** One line: what the figure is. */
  doc: string;
  /** Unit of a number (`%`, `updates`, `annualised`, ...); text and yes/no figures have none. */
  unit?: string;
}

/** The doc and unit of every declared figure, by its schema. */
export const figureInfo = z.registry<FigureInfo>();

/** A figure's schema: a value the wire can carry, or undefined when the figure may be left out. */
export type FigureSchema = z.ZodType<z.infer<typeof figureValueSchema> | undefined>;
export type FigureShape = Readonly<Record<string, FigureSchema>>;

/** Declares one figure: its schema, doc line and unit. */
export function figure<S extends FigureSchema>(schema: S, doc: string, unit?: string): S {
  figureInfo.add(schema as FigureSchema, unit === undefined ? { doc } : { doc, unit });
  return schema;
}

/** The figures a trainer fills: the declared names, optional where the schema is. */
export type Figures<Shape extends FigureShape> = z.output<z.ZodObject<{ -readonly [Name in keyof Shape]: Shape[Name] }>>;

/** A summary as the readers take it: a run's summary, or none (a run that has not finished). */
export type SummaryWithFigures = { extra: SummaryExtra } | undefined;

export interface FigureSet<Shape extends FigureShape> {
  /** One line: whose figures these are. */
  doc: string;
  shape: Shape;
  /** The declared figures; figures the declaration does not name (from older runs) pass through. */
  schema: z.ZodObject<Shape, z.core.$loose>;
  /** The declared figures a summary holds, typed; a figure missing or not of its declared type reads as undefined. */
  read(summary: SummaryWithFigures): Partial<Figures<Shape>>;
}

export type FiguresOf<Set> = Set extends FigureSet<infer Shape> ? Figures<Shape> : never;

export function figureSet<Shape extends FigureShape>(doc: string, shape: Shape): FigureSet<Shape> {
  const read = (summary: SummaryWithFigures): Partial<Figures<Shape>> => {
    const extra = summary?.extra ?? {};
    const figures: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(shape)) {
      if (!Object.hasOwn(extra, name)) continue;
      const parsed = schema.safeParse(extra[name]);
      if (parsed.success && parsed.data !== undefined) figures[name] = parsed.data;
    }
    return figures as Partial<Figures<Shape>>;
  };
  return { doc, shape, schema: z.looseObject(shape), read };
}
