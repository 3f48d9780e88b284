# Didit's documented Python call for the Face Search API, unchanged but for the host.
# Usage: python3 didit_face_search.py BASE_URL API_KEY IMAGE_PATH  -> prints the JSON answer.
import sys

import requests

base_url, api_key, image_path = sys.argv[1], sys.argv[2], sys.argv[3]

url = base_url + "/v3/face-search/"
headers = {"x-api-key": api_key}
files = {"user_image": ("user_image.jpg", open(image_path, "rb"), "image/jpeg")}
data = {
    "search_type": "most_similar",
    "rotate_image": "false",
    "save_api_request": "true",
    "vendor_data": "user-123",
}

response = requests.post(url, headers=headers, files=files, data=data)
print(response.status_code)
print(response.text)
