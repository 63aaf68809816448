/*
 * deepdeck_quiet_stderr: TensorFlow writes an INFO line (the oneDNN notice) to file descriptor 2 while
 * tfjs-node loads, below TF_CPP_MIN_LOG_LEVEL's reach (absl logging before its initialisation). Node has
 * no dup2, so deepdeck's loader points fd 2 at /dev/null around the require() with this helper, which
 * install-native builds beside tfjs-node's addon.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <node_api.h>

static int saved = -1;

static napi_value mute(napi_env env, napi_callback_info info) {
  napi_value result;
  int ok = 0;
  if (saved < 0) {
    fflush(stderr);
    int null_fd = open("/dev/null", O_WRONLY);
    saved = dup(2);
    if (null_fd >= 0 && saved >= 0 && dup2(null_fd, 2) >= 0) ok = 1;
    if (null_fd >= 0) close(null_fd);
  }
  napi_get_boolean(env, ok, &result);
  return result;
}

static napi_value unmute(napi_env env, napi_callback_info info) {
  if (saved >= 0) {
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    saved = -1;
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mute", NULL, mute, NULL, NULL, NULL, napi_default, NULL},
      {"unmute", NULL, unmute, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
