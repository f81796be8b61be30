"""boto3 reading through a view: the whole object is the view's bytes, a
Range request is refused with InvalidRequest.

Usage: python3 boto3_view.py ENDPOINT BUCKET KEY EXPECTED_FILE
Credentials, region and CA bundle come from the environment. Prints one
line per check; exits non-zero on the first failure.
"""
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket, key, expected = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint,
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                signature_version="s3v4"))
want = open(expected, "rb").read()

got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
assert got == want, got
print("view ok")

try:
    s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-9")["Body"].read()
    raise SystemExit("range on a viewed object was served")
except ClientError as e:
    err = e.response["Error"]
    assert err["Code"] == "InvalidRequest", err
    assert "views" in err["Message"], err
    print("range refused", err["Code"])
