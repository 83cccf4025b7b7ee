import type { Request } from "../context";
import type { ValidationErrorDetail } from "../problem";
import { decodeInteger, decodeNumber } from "../runtime/decode";
import type { SegmentType } from "../routing/path-pattern";

// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const INTEGER = /^[+-]?\d+$/;

export type SegmentCheck = (req: Request, errors: ValidationErrorDetail[]) => boolean;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `{id:int}`, `{x:float}` and `{id:uuid}` constrain the segment whatever the
 * handler declares (or when it declares nothing), as Spikard's route syntax does.
 */
export function segmentCheck(type: SegmentType | undefined, name: string, index: number): SegmentCheck | undefined {
  const fail = (errors: ValidationErrorDetail[], d: Omit<ValidationErrorDetail, "loc">): boolean => {
    errors.push({ type: d.type, loc: ["path", name], msg: d.msg, input: d.input });
    return false;
  };
  switch (type) {
    case "int":
      return (req, errors) => {
        const raw = req.pathValue(index) ?? "";
        if (INTEGER.test(raw)) return true;
        return fail(errors, { type: "int_parsing", msg: "Input should be a valid integer, unable to parse string as an integer", input: decodeInteger(raw) });
      };
    case "float":
      return (req, errors) => {
        const raw = req.pathValue(index) ?? "";
        if (typeof decodeNumber(raw) === "number") return true;
        return fail(errors, { type: "float_parsing", msg: "Input should be a valid number, unable to parse string as a number", input: raw });
      };
    case "uuid":
      return (req, errors) => {
        const raw = req.pathValue(index) ?? "";
        if (UUID.test(raw)) return true;
        return fail(errors, { type: "uuid_parsing", msg: "Input should be a valid UUID", input: raw });
      };
    default:
      return undefined;
  }
}
