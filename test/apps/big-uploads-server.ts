// Entry for running the big-upload app in its own process (LiveTestClient.fromModule).
import { buildBigUploadApp } from "./big-uploads";

const dir = process.env.UPLOAD_DIR;
if (dir === undefined) throw new Error("UPLOAD_DIR is required");
buildBigUploadApp(dir).run();
