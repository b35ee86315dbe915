// The API's types as the client layer uses them, derived from openapi.yaml: the module
// 'turnero-openapi' is generated at build time by openapi-typescript into the build
// directory (web/typecheck.mjs), never committed, so a change of openapi.yaml that the
// client no longer matches fails the build.
import type { paths, components } from 'turnero-openapi';

export type { paths, components };
export type Schemas = components['schemas'];
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Path = keyof paths;
// The methods a path has (openapi-typescript writes the others as `?: never`).
export type MethodOf<P extends Path> = {
	[M in Method]-?: [NonNullable<paths[P][M]>] extends [never] ? never : M;
}[Method];
export type Op<P extends Path, M extends MethodOf<P>> = NonNullable<paths[P][M]>;

type ParamsOf<O> = O extends { parameters: infer X } ? X : never;
export type PathParams<O> = ParamsOf<O> extends { path: infer X } ? X : never;
export type QueryParams<O> = ParamsOf<O> extends { query?: infer X } ? NonNullable<X> : never;
export type HeaderParams<O> = ParamsOf<O> extends { header?: infer X } ? NonNullable<X> : never;
type ContentOf<C> = 'application/json' extends keyof C ? C['application/json'] : C[keyof C];
export type RequestBody<O> = O extends { requestBody: { content: infer C } } ? ContentOf<C>
	: O extends { requestBody?: { content: infer C } } ? ContentOf<C> : never;
type BodyOption<O> = O extends { requestBody: { content: unknown } } ? { body: RequestBody<O> }
	: [RequestBody<O>] extends [never] ? { body?: undefined } : { body?: RequestBody<O> };

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type BodyOf<R> = R extends { content: infer C } ? ContentOf<C> : null;
// What a 2xx answer carries (null for 204).
export type Ok<O> = {
	[K in keyof ResponsesOf<O>]: K extends 200 | 201 | 202 | 204 ? BodyOf<ResponsesOf<O>[K]> : never;
}[keyof ResponsesOf<O>];

// request()'s options and answer for one route.
export type Options<P extends Path, M extends MethodOf<P>> = {
	headers?: Record<string, string>;
	public?: boolean;
} & ([PathParams<Op<P, M>>] extends [never] ? { path?: undefined } : { path: PathParams<Op<P, M>> })
	& ([QueryParams<Op<P, M>>] extends [never] ? { query?: undefined } : { query?: QueryParams<Op<P, M>> })
	& BodyOption<Op<P, M>>;
export type Result<P extends Path, M extends MethodOf<P>> = Ok<Op<P, M>>;
