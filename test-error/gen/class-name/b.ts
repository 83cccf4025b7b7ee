export class Cache {
  readonly kind = "redis";
}
