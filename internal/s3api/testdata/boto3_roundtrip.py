"""boto3 against coffer's S3 API: upload, list, download, range-read.

Usage: python3 boto3_roundtrip.py ENDPOINT BUCKET KEY FILE
Credentials, region and CA bundle come from the environment
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION,
AWS_CA_BUNDLE). Prints one line per check; exits non-zero on the first
failure.
"""
import hashlib
import os
import ssl
import sys
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

endpoint, bucket, key, path = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint,
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                signature_version="s3v4"))  # botocore presigns with SigV2 otherwise
data = open(path, "rb").read()

s3.put_object(Bucket=bucket, Key=key, Body=data)
print("put ok")

# upload_file switches to multipart above its threshold.
s3.upload_file(path, bucket, key + ".mp", Config=boto3.s3.transfer.TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20))
print("upload_file ok")

listed = s3.list_objects_v2(Bucket=bucket, Prefix=key)
keys = sorted(o["Key"] for o in listed.get("Contents", []))
assert keys == sorted([key, key + ".mp"]), keys
sizes = {o["Key"]: o["Size"] for o in listed["Contents"]}
assert sizes[key] == len(data), sizes
print("list ok", keys)

got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest(), "download differs"
got = s3.get_object(Bucket=bucket, Key=key + ".mp")["Body"].read()
assert got == data, "multipart download differs"
print("get ok")

r = s3.get_object(Bucket=bucket, Key=key, Range="bytes=1000-1999")
part = r["Body"].read()
assert part == data[1000:2000], "range differs"
assert r["ContentRange"] == "bytes 1000-1999/%d" % len(data), r["ContentRange"]
tail = s3.get_object(Bucket=bucket, Key=key, Range="bytes=-10")["Body"].read()
assert tail == data[-10:], "suffix range differs"
print("range ok")

head = s3.head_object(Bucket=bucket, Key=key)
assert head["ContentLength"] == len(data), head
print("head ok")

url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
ctx = ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])
try:
    body = urllib.request.urlopen(url, context=ctx).read()
except urllib.error.HTTPError as e:
    sys.exit("presigned GET: %s %s" % (e.code, e.read()[:300]))
assert body == data, "presigned download differs"
print("presigned ok")
