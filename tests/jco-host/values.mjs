// Values between the contract's one JSON form (what the flows and the reference host's
// transcript hold: snake_case fields, kebab-case cases, `null` for none, a variant's case as
// `"case"` or `{"case": payload}`) and the values jco's bindings take and give (camelCase
// fields, `undefined` for none, `{tag, val}` variants, BigInt for 64-bit integers,
// Uint8Array for bytes). The types come from the WIT, described by the reference host's
// generator (`signatures.json`), so no record is written out here.

const BIG = new Set(['u64', 's64']);

/** `display-name` -> `displayName`, as jco names fields. */
export function camel(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** `display-name` -> `display_name`, as the JSON form names fields. */
function snake(name) {
  return name.replace(/-/g, '_');
}

export class Values {
  constructor(signatures) {
    this.types = signatures.types;
    this.functions = signatures.functions;
  }

  shape(named) {
    const shape = this.types[named];
    if (!shape) throw new Error(`no type ${named} in the signatures`);
    return shape;
  }

  /** A JSON-form value of WIT type `type` as jco takes it. */
  toJco(type, value) {
    if (typeof type === 'string') {
      if (BIG.has(type)) return BigInt(value);
      return value;
    }
    if (type.option !== undefined) return value === null || value === undefined ? undefined : this.toJco(type.option, value);
    if (type.list !== undefined) {
      if (type.list === 'u8') return Uint8Array.from(value);
      return value.map((item) => this.toJco(type.list, item));
    }
    if (type.named !== undefined) {
      const shape = this.shape(type.named);
      if (shape.kind === 'record') {
        const out = {};
        for (const field of shape.fields) out[camel(field.name)] = this.toJco(field.type, value[snake(field.name)]);
        return out;
      }
      if (shape.kind === 'enum') return value;
      if (shape.kind === 'variant') {
        if (typeof value === 'string') return { tag: value };
        const [tag] = Object.keys(value);
        const kase = shape.cases.find((c) => c.name === tag);
        if (!kase) throw new Error(`${type.named} has no case ${tag}`);
        return kase.type === null ? { tag } : { tag, val: this.toJco(kase.type, value[tag]) };
      }
    }
    throw new Error(`cannot give a ${JSON.stringify(type)} to jco`);
  }

  /** A value jco gave, of WIT type `type`, in the JSON form. */
  fromJco(type, value) {
    if (typeof type === 'string') {
      if (BIG.has(type)) return Number(value);
      return value;
    }
    if (type.option !== undefined) return value === undefined || value === null ? null : this.fromJco(type.option, value);
    if (type.list !== undefined) {
      if (type.list === 'u8') return Array.from(value);
      return Array.from(value, (item) => this.fromJco(type.list, item));
    }
    if (type.named !== undefined) {
      const shape = this.shape(type.named);
      if (shape.kind === 'record') {
        const out = {};
        for (const field of shape.fields) out[snake(field.name)] = this.fromJco(field.type, value[camel(field.name)]);
        return out;
      }
      if (shape.kind === 'enum') return value;
      if (shape.kind === 'variant') {
        const kase = shape.cases.find((c) => c.name === value.tag);
        if (!kase) throw new Error(`${type.named} has no case ${value.tag}`);
        return kase.type === null ? value.tag : { [value.tag]: this.fromJco(kase.type, value.val) };
      }
    }
    throw new Error(`cannot read a ${JSON.stringify(type)} from jco`);
  }

  /** The contract's error as the transcript holds it: its case and its message in words. */
  errorOf(payload) {
    const message = typeof payload.val === 'string' ? payload.val : payload.val.message;
    return { code: payload.tag, message };
  }
}
