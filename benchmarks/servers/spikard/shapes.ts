import type { Int, UploadFile } from "spikard";
import type { tags } from "typia";

// Bodies shared by the benchmark app (app.ts) and the upload soak's app (soak.ts).

export interface Item {
  name: string & tags.MinLength<1> & tags.MaxLength<100>;
  price: number & tags.Minimum<0>;
  quantity: Int & tags.Minimum<1> & tags.Maximum<1000>;
  tags: Array<string & tags.MinLength<1>> & tags.MaxItems<10>;
}

export interface Signup {
  username: string & tags.MinLength<3> & tags.MaxLength<30>;
  age: Int & tags.Minimum<0> & tags.Maximum<150>;
  subscribe: boolean;
  email: string & tags.MinLength<3> & tags.MaxLength<254>;
}

export interface Upload {
  file: UploadFile;
  description: string & tags.MinLength<1>;
}
