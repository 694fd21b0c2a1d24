// How a method is declared: one constant per method, carrying its name, the
// direction it travels, and the schemas that give both its TypeScript types and
// its runtime validators. Every other package imports these constants.

import { type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ErrorCode, ProtocolError } from './errors';

/** Who sends the message. */
export type MessageDirection = 'clientToServer' | 'serverToClient' | 'both';

/** A compiled validator that throws a ProtocolError naming the first problem. */
export interface Validator<T> {
  check(value: unknown): value is T;
  /** Returns the value typed, or throws InvalidParams naming the path and the problem. */
  assert(value: unknown, what: string): T;
  readonly schema: TSchema;
}

/** Compile a schema into a validator. */
export function validator<S extends TSchema>(schema: S): Validator<Static<S>> {
  let compiled: TypeCheck<S> | undefined;
  const get = (): TypeCheck<S> => (compiled ??= TypeCompiler.Compile(schema));
  return {
    schema,
    check: (value: unknown): value is Static<S> => get().Check(value),
    assert(value: unknown, what: string): Static<S> {
      const c = get();
      if (c.Check(value)) return value;
      const first = c.Errors(value).First();
      const where = first?.path ? first.path : '/';
      const detail = first ? `${first.message}` : 'does not match the schema';
      throw new ProtocolError(ErrorCode.InvalidParams, `${what}: ${where} ${detail}`, {
        path: where,
      });
    },
  };
}

/** A request: the caller waits for a result or an error. */
export interface RequestType<P extends TSchema, R extends TSchema> {
  readonly kind: 'request';
  readonly method: string;
  readonly direction: MessageDirection;
  readonly description: string;
  readonly params: P;
  readonly result: R;
  readonly paramsValidator: Validator<Static<P>>;
  readonly resultValidator: Validator<Static<R>>;
}

/** A notification: fire and forget. */
export interface NotificationType<P extends TSchema> {
  readonly kind: 'notification';
  readonly method: string;
  readonly direction: MessageDirection;
  readonly description: string;
  readonly params: P;
  readonly paramsValidator: Validator<Static<P>>;
}

export type AnyRequestType = RequestType<TSchema, TSchema>;
export type AnyNotificationType = NotificationType<TSchema>;
export type AnyMethodType = AnyRequestType | AnyNotificationType;

/** The params type of a request or notification constant. */
export type ParamsOf<M> = M extends RequestType<infer P, TSchema>
  ? Static<P>
  : M extends NotificationType<infer P>
    ? Static<P>
    : never;
/** The result type of a request constant. */
export type ResultOf<M> = M extends RequestType<TSchema, infer R> ? Static<R> : never;

const catalogue = new Map<string, AnyMethodType>();

function register(m: AnyMethodType): void {
  if (catalogue.has(m.method)) throw new Error(`method ${m.method} declared twice`);
  catalogue.set(m.method, m);
}

/** Declare a request method. */
export function defineRequest<P extends TSchema, R extends TSchema>(def: {
  method: string;
  direction: MessageDirection;
  description: string;
  params: P;
  result: R;
}): RequestType<P, R> {
  const m: RequestType<P, R> = {
    kind: 'request',
    ...def,
    paramsValidator: validator(def.params),
    resultValidator: validator(def.result),
  };
  register(m as unknown as AnyMethodType);
  return m;
}

/** Declare a notification method. */
export function defineNotification<P extends TSchema>(def: {
  method: string;
  direction: MessageDirection;
  description: string;
  params: P;
}): NotificationType<P> {
  const m: NotificationType<P> = { kind: 'notification', ...def, paramsValidator: validator(def.params) };
  register(m as unknown as AnyMethodType);
  return m;
}

/** Every declared method, by name. */
export function methodCatalogue(): ReadonlyMap<string, AnyMethodType> {
  return catalogue;
}
