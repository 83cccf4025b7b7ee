import type { RequestOptions } from "./request-options";
import type { TestResponse } from "./test-response";

/** The verb shorthands both test clients offer over their own `request`. */
export abstract class HttpVerbs {
  abstract request(method: string, path: string, o?: RequestOptions): Promise<TestResponse>;

  get(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("GET", path, o);
  }
  post(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("POST", path, o);
  }
  put(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("PUT", path, o);
  }
  patch(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("PATCH", path, o);
  }
  delete(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("DELETE", path, o);
  }
  head(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("HEAD", path, o);
  }
  options(path: string, o: RequestOptions = {}): Promise<TestResponse> {
    return this.request("OPTIONS", path, o);
  }
}
