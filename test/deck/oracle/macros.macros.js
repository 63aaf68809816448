remark.macros.scale = function (percentage) {
  return '<img src="' + this + '" style="width: ' + percentage + '">';
};
