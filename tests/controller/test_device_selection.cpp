// --devices as the user writes it, and the runner pool it turns into.
#include <gtest/gtest.h>

#include "controller/device_selection.h"

using namespace gemmscope;

namespace {
std::string refusal(const std::string& text) {
  try {
    parse_device_selection(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(DeviceSelection, ReadsAllAndLists) {
  EXPECT_TRUE(parse_device_selection("all").all);
  EXPECT_TRUE(parse_device_selection("all").indices.empty());
  EXPECT_EQ(parse_device_selection("0,2,3").indices, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(parse_device_selection(" 3 , 1 ").indices, (std::vector<int>{3, 1})) << "in the order given";
  EXPECT_EQ(parse_device_selection("1023").indices, std::vector<int>{1023});
}

TEST(DeviceSelection, NamesTheValueAndTheRule) {
  EXPECT_NE(refusal("0,x").find("'0,x': 'x' is not a device index; give all, or device indices 0-1023"), std::string::npos) << refusal("0,x");
  EXPECT_NE(refusal("-1").find("'-1' is not a device index"), std::string::npos);
  EXPECT_NE(refusal("1.5").find("'1.5' is not a device index"), std::string::npos);
  EXPECT_NE(refusal("0,,1").find("an empty entry between commas"), std::string::npos);
  EXPECT_NE(refusal("0,").find("an empty entry between commas"), std::string::npos);
  EXPECT_NE(refusal("").find("names no device"), std::string::npos);
  EXPECT_NE(refusal("1,1").find("device 1 is named twice"), std::string::npos);
  EXPECT_NE(refusal("1024").find("device 1024 is past the largest index, 1023"), std::string::npos);
  EXPECT_NE(refusal("99999999999").find("past the largest index"), std::string::npos) << "no overflow";
  EXPECT_NE(refusal("all,0").find("all stands alone"), std::string::npos);
  EXPECT_NE(refusal("ALL").find("'ALL' is not a device index"), std::string::npos);
}

TEST(DeviceSelection, BecomesOneRunnerPerDeviceThenTheGivenCommands) {
  const std::vector<std::string> runner = {"/opt/gemmscope-runner"};
  const PoolOptions listed = pool_options(runner, parse_device_selection("2,0"), {{"ssh", "h", "gemmscope-runner", "--device", "1"}});
  ASSERT_EQ(listed.commands.size(), 3u);
  EXPECT_EQ(listed.commands[0], (std::vector<std::string>{"/opt/gemmscope-runner", "--device", "2"}));
  EXPECT_EQ(listed.commands[1], (std::vector<std::string>{"/opt/gemmscope-runner", "--device", "0"}));
  EXPECT_EQ(listed.commands[2], (std::vector<std::string>{"ssh", "h", "gemmscope-runner", "--device", "1"}));
  EXPECT_TRUE(listed.every_device.empty());
  EXPECT_EQ(listed.max_consecutive_failures, 3);

  const PoolOptions all = pool_options(runner, parse_device_selection("all"), {});
  ASSERT_EQ(all.commands.size(), 1u) << "device 0's runner counts the rest";
  EXPECT_EQ(all.commands[0], (std::vector<std::string>{"/opt/gemmscope-runner", "--device", "0"}));
  EXPECT_EQ(all.every_device, runner);

  const PoolOptions remote_only = pool_options(runner, DeviceSelection{}, {{"ssh", "a", "r"}, {"ssh", "b", "r"}});
  EXPECT_EQ(remote_only.commands.size(), 2u) << "no local runner when no device is named";
  EXPECT_THROW(pool_options(runner, DeviceSelection{}, {}), std::invalid_argument);
}
