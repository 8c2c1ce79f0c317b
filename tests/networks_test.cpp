#include "support/networks.hpp"

#include <gtest/gtest.h>

using namespace concert;

TEST(networks, an_address_is_a_network_of_itself) {
  auto one = parse_network("192.0.2.7");
  ASSERT_TRUE(one);
  EXPECT_TRUE(contains(*one, "192.0.2.7"));
  EXPECT_FALSE(contains(*one, "192.0.2.8"));
}

TEST(networks, a_prefix_covers_its_range_in_both_families) {
  auto v4 = parse_network("10.1.0.0/17");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(contains(*v4, "10.1.127.255"));
  EXPECT_FALSE(contains(*v4, "10.1.128.0"));
  auto v6 = parse_network("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(contains(*v6, "2001:db8:ffff::1"));
  EXPECT_FALSE(contains(*v6, "2001:db9::1"));
  EXPECT_FALSE(contains(*v6, "10.1.0.1")) << "families never mix";
  EXPECT_TRUE(contains(*parse_network("0.0.0.0/0"), "203.0.113.9"));
}

TEST(networks, an_ipv4_mapped_address_counts_as_ipv4) {
  EXPECT_TRUE(contains(*parse_network("127.0.0.0/8"), "::ffff:127.0.0.5"));
}

TEST(networks, junk_is_no_network) {
  for (auto bad : {"", "1.2.3", "1.2.3.4/", "1.2.3.4/33", "::/129", "host", "1.2.3.4/-1", "1.2.3.4 "})
    EXPECT_FALSE(parse_network(bad)) << bad;
  EXPECT_FALSE(is_address("10.0.0.0/8"));
  EXPECT_TRUE(is_address("::1"));
}

TEST(networks, a_list_is_all_good_or_nothing) {
  EXPECT_EQ(parse_networks(" 10.0.0.0/8 , ::1 ")->size(), 2u);
  EXPECT_TRUE(parse_networks("")->empty());
  EXPECT_FALSE(parse_networks("10.0.0.0/8,,::1"));
}

TEST(networks, limits_count_one_written_form_and_an_ipv6_subscriber_by_its_64) {
  EXPECT_EQ(limit_key("10.6.6.6"), "10.6.6.6");
  EXPECT_EQ(limit_key("::FFFF:10.6.6.6"), "10.6.6.6");
  EXPECT_EQ(limit_key("0:0:0:0:0:ffff:a06:606"), "10.6.6.6");
  EXPECT_EQ(limit_key("2001:DB8:0::1"), "2001:db8::/64");
  EXPECT_EQ(limit_key("2001:db8::ffff:2"), "2001:db8::/64");
  EXPECT_EQ(limit_key("2001:db8:0:1::2"), "2001:db8:0:1::/64");
  EXPECT_EQ(limit_key("localhost"), "localhost");
}
