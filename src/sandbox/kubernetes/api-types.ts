import type { Route } from './routes.ts';

/** A resource route of the Kubernetes emulator (one kind, maybe one name). */
export type ResourceRoute = Extract<Route, { type: 'resource' }>;

export interface ApiRequest {
  method: string;
  route: ResourceRoute;
  query: URLSearchParams;
  contentType: string | undefined;
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}
