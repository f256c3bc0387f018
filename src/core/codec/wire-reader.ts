import { ProtocolError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

const KEY_SHOWN_MAX = 64;

/**
 * Typed, exhaustive reading of one untrusted JSON object from the peer. Every getter checks the
 * JSON type and names the field in its ProtocolError; keys() rejects unknown and missing fields.
 * Ranges and limits are checked afterwards, on the decoded frame (frame-rules.ts).
 */
export class WireObject {
  private constructor(
    private readonly fields: JsonObject,
    readonly where: string,
  ) {}

  static of(value: JsonValue | undefined, where: string): WireObject {
    if (!isJsonObject(value)) throw new ProtocolError(`${where} must be a JSON object`);
    return new WireObject(value, where);
  }

  /** Exactly `required`, plus any of `optional`: nothing unknown, nothing missing. */
  keys(required: readonly string[], optional: readonly string[] = []): this {
    for (const key of Object.keys(this.fields)) {
      if (!required.includes(key) && !optional.includes(key)) throw this.error(key, 'is not a known field');
    }
    for (const key of required) {
      if (!this.has(key)) throw this.error(key, 'is missing');
    }
    return this;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.fields, key);
  }

  string(key: string): string {
    const value = this.get(key);
    if (typeof value !== 'string') throw this.error(key, 'must be a string');
    return value;
  }

  nullableString(key: string): string | null {
    return this.get(key) === null ? null : this.string(key);
  }

  number(key: string): number {
    const value = this.get(key);
    if (typeof value !== 'number') throw this.error(key, 'must be a number');
    return value;
  }

  nullableNumber(key: string): number | null {
    return this.get(key) === null ? null : this.number(key);
  }

  boolean(key: string): boolean {
    const value = this.get(key);
    if (typeof value !== 'boolean') throw this.error(key, 'must be a boolean');
    return value;
  }

  array(key: string): readonly JsonValue[] {
    const value = this.get(key);
    if (!Array.isArray(value)) throw this.error(key, 'must be an array');
    return value as readonly JsonValue[];
  }

  stringArray(key: string): string[] {
    return this.array(key).map((item, index) => {
      if (typeof item !== 'string') throw this.error(`${key}[${index}]`, 'must be a string');
      return item;
    });
  }

  object(key: string): WireObject {
    return WireObject.of(this.get(key), `${this.where}.${key}`);
  }

  /** The field as parsed: what the checksum is computed over. */
  rawObject(key: string): JsonObject {
    const value = this.get(key);
    if (!isJsonObject(value)) throw this.error(key, 'must be a JSON object');
    return value;
  }

  error(key: string, problem: string): ProtocolError {
    // Keys come from the peer: a long one must not make a message too long for an ERROR frame.
    const shown = key.length <= KEY_SHOWN_MAX ? key : `${key.slice(0, KEY_SHOWN_MAX)}...`;
    return new ProtocolError(`${this.where}.${shown} ${problem}`);
  }

  private get(key: string): JsonValue | undefined {
    return this.has(key) ? this.fields[key] : undefined;
  }
}
