import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as z from 'zod';
import {
  DEFAULT_PLATFORMS,
  DEFAULT_PROGRESS,
  DEFAULT_PYTHON_VERSION,
  DEFAULT_TAGS,
  normalizeOptions,
} from './lib/normalize-options';
import type { DockerBuildExecutorSchema } from './schema';

// Records the shape of every strictObject, so that the keys of the options
// schema in normalize-options can be read without exporting it.
jest.mock('zod', () => {
  const actual = jest.requireActual('zod');
  const shapes: Array<Record<string, z.ZodType>> = [];
  return {
    ...actual,
    recordedShapes: shapes,
    strictObject: (shape: Record<string, z.ZodType>, params?: unknown) => {
      shapes.push(shape);
      return actual.strictObject(shape, params);
    },
  };
});

interface JsonSchemaProperty {
  default?: unknown;
  enum?: string[];
}

const schemaJson: {
  additionalProperties: boolean;
  properties: Record<string, JsonSchemaProperty>;
} = JSON.parse(readFileSync(join(__dirname, 'schema.json'), 'utf8'));

const location = {
  projectName: 'api',
  projectRoot: 'apps/api',
  workspaceRoot: '/ws',
};

/** Returns the shape of the zod options schema, the only one with a platforms key. */
function optionsShape(): Record<string, z.ZodType> {
  const { recordedShapes } = jest.requireMock('zod') as {
    recordedShapes: Array<Record<string, z.ZodType>>;
  };
  const shapes = recordedShapes.filter((shape) => 'platforms' in shape);
  expect(shapes).toHaveLength(1);
  return shapes[0];
}

/** Removes .default() and .optional() wrappers to reach the value schema. */
function innerSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (['default', 'optional'].includes(current._zod.def.type)) {
    current = (current._zod.def as unknown as { innerType: z.ZodType })
      .innerType;
  }
  return current;
}

const propertiesWithDefault = Object.entries(schemaJson.properties)
  .filter(([, property]) => 'default' in property)
  .map(([key, property]) => ({ key, value: property.default }));

const propertiesWithEnum = Object.entries(schemaJson.properties)
  .filter(([, property]) => property.enum !== undefined)
  .map(([key, property]) => ({ key, values: property.enum }));

describe('schema.json', () => {
  it('rejects additional properties', () => {
    expect(schemaJson.additionalProperties).toBe(false);
  });

  it('lists the keys of the zod schema', () => {
    expect(Object.keys(schemaJson.properties).sort()).toEqual(
      Object.keys(optionsShape()).sort(),
    );
  });

  it('defaults platforms to DEFAULT_PLATFORMS', () => {
    expect(schemaJson.properties.platforms.default).toEqual(DEFAULT_PLATFORMS);
  });

  it('defaults tags to DEFAULT_TAGS', () => {
    expect(schemaJson.properties.tags.default).toEqual(DEFAULT_TAGS);
  });

  it('defaults progress to DEFAULT_PROGRESS', () => {
    expect(schemaJson.properties.progress.default).toEqual(DEFAULT_PROGRESS);
  });

  it('defaults pythonVersion to DEFAULT_PYTHON_VERSION', () => {
    expect(schemaJson.properties.pythonVersion.default).toEqual(
      DEFAULT_PYTHON_VERSION,
    );
  });

  test.each(propertiesWithDefault)(
    'default of $key matches normalizeOptions',
    ({ key, value }) => {
      const explicit = { [key]: value } as DockerBuildExecutorSchema;

      expect(normalizeOptions(explicit, location, 'x64')).toEqual(
        normalizeOptions({}, location, 'x64'),
      );
    },
  );

  test.each(propertiesWithEnum)(
    'enum of $key matches zod',
    ({ key, values }) => {
      const schema = innerSchema(optionsShape()[key]) as z.ZodEnum;

      expect(schema.options).toEqual(values);
    },
  );
});
