# deepdeck's helper beside tfjs-node's addon (see quiet_stderr.c); built by `deepdeck install-native`.
{
  "targets": [
    {
      "target_name": "deepdeck_quiet_stderr",
      "sources": ["quiet_stderr.c"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
