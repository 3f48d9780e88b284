// Didit's documented browser call (fetch + FormData), unchanged but for the host. Node's fetch, FormData and
// Blob are the WHATWG implementations browsers have.
// Usage: node didit_face_search.mjs BASE_URL API_KEY IMAGE_PATH  -> prints the status and the JSON answer.
import { readFileSync } from "node:fs";

const [baseUrl, apiKey, imagePath] = process.argv.slice(2);
const file = new Blob([readFileSync(imagePath)], { type: "image/jpeg" });

const formData = new FormData();
formData.append("user_image", file, "selfie.jpg");
formData.append("search_type", "most_similar");
formData.append("rotate_image", "false");
formData.append("save_api_request", "true");
formData.append("vendor_data", "user-123");

const response = await fetch(`${baseUrl}/v3/face-search/`, {
  method: "POST",
  headers: { "x-api-key": apiKey },
  body: formData,
});
console.log(response.status);
console.log(await response.text());
